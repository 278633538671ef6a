"""The layouts issue #15 found failing, one test each, named by what the importer must do."""

from __future__ import annotations

import pytest

from bot.importing import DocumentError, ParsedDocument, parse_bytes


def parse(text: str, name: str = "plan.txt") -> ParsedDocument:
    return parse_bytes(text.encode("utf-8"), name)


def rows(document: ParsedDocument) -> list[tuple[str, list[str], list[str], list[str]]]:
    return [
        (item.number, item.section_path, item.lead_units, item.responsible_units)
        for item in document.items
    ]


def test_items_numbered_in_parenthesised_chinese_numerals_are_read() -> None:
    document = parse(
        "某县2023年法治政府建设工作要点\n"
        "一、依法全面履行政府职能\n"
        "（一）深化“放管服”改革。推进行政审批制度改革。\n"
        "责任单位：县政务服务中心、县司法局\n"
        "(二)加强行政执法监督。开展执法案卷评查。\n"
        "牵头单位：县司法局\n配合单位：县直各行政执法部门\n"
        "二、推进法治社会建设\n"
        "（一）开展宪法宣传周活动。\n"
        "责任单位：县委宣传部\n"
    )
    assert rows(document) == [
        ("一", ["一、依法全面履行政府职能"], [], ["县政务服务中心", "县司法局"]),
        ("二", ["一、依法全面履行政府职能"], ["县司法局"], ["县直各行政执法部门"]),
        ("一", ["二、推进法治社会建设"], [], ["县委宣传部"]),
    ]


def test_numbers_inside_lines_continue_a_count_glued_by_copying() -> None:
    document = parse(
        "一、加强制度建设\n"
        "1.健全规范性文件备案审查制度，提升审查质量。2.加强合法性审核，年底前实现全覆盖。\n"
        "3.推进行政执法三项制度。"
    )
    assert [item.number for item in document.items] == ["1", "2", "3"]
    assert document.items[1].text.startswith("加强合法性审核")


def test_a_whole_plan_on_one_line_is_cut_into_its_parts() -> None:
    document = parse(
        "2023年依法治镇工作要点一、加强组织领导1、健全工作机制，定期研究法治工作。"
        "2、落实第一责任人职责，年底前述法。二、推进依法行政1、规范行政执法，开展案卷评查。"
    )
    assert rows(document) == [
        ("1", ["一、加强组织领导"], [], []),
        ("2", ["一、加强组织领导"], [], []),
        ("1", ["二、推进依法行政"], [], []),
    ]


def test_units_in_every_kind_of_bracket_are_read() -> None:
    document = parse(
        "1.开展执法检查。〔牵头单位：区司法局；责任单位：区直各部门〕\n"
        "2.推进政务公开。【责任单位：区政府办】\n"
        "3.清理规范性文件。[责任单位:区司法局]\n"
        "4.建立法律顾问制度。（区司法局牵头，各街道配合）\n"
    )
    assert [(lead, resp) for _n, _s, lead, resp in rows(document)] == [
        (["区司法局"], ["区直各部门"]),
        ([], ["区政府办"]),
        ([], ["区司法局"]),
        (["区司法局"], ["各街道"]),
    ]


def test_an_unlabelled_parenthesis_of_unit_names_is_the_lead() -> None:
    document = parse("责任部门\n1.完善重大行政决策程序。(市司法局)\n2.推进政务公开。(市政府办公室)")
    assert [item.lead_units for item in document.items] == [["市司法局"], ["市政府办公室"]]


def test_units_named_as_the_subject_are_read() -> None:
    document = parse(
        "（一）开展宪法集中学习。由县委宣传部牵头，县直各部门配合。\n"
        "（二）建设法治文化公园。县住建局负责。\n"
    )
    assert [(item.lead_units, item.responsible_units) for item in document.items] == [
        (["县委宣传部"], ["县直各部门"]),
        ([], ["县住建局"]),
    ]


def test_a_flattened_table_with_a_time_column_feeds_the_time_limit_into_the_item() -> None:
    document = parse(
        "序号\n工作任务\n责任单位\n完成时限\n"
        "1\n全面清理行政规范性文件并公布目录。\n区司法局\n2021年12月底前\n"
        "2\n开展行政执法案卷评查。\n区直各行政执法部门\n每年\n"
    )
    assert rows(document) == [
        ("1", [], [], ["区司法局"]),
        ("2", [], [], ["区直各行政执法部门"]),
    ]
    assert "2021年12月底前" in document.items[0].text


def test_rows_with_cells_between_bars_are_a_table() -> None:
    document = parse(
        "某镇2017年度专项整治计划\n"
        "一、整治安排表\n"
        "整治行业名称 | 时间安排 | 责任单位 |\n"
        "烟花爆竹 | 1月份 | 安监站 安监所 |\n"
        "危险化学品 | 2月份 | 安监站 |\n"
        "交通运输 | 12月份 | 交警中队 公路站 |\n"
    )
    assert [(item.text, item.responsible_units) for item in document.items] == [
        ("烟花爆竹（时间安排：1月份）", ["安监站", "安监所"]),
        ("危险化学品（时间安排：2月份）", ["安监站"]),
        ("交通运输（时间安排：12月份）", ["交警中队", "公路站"]),
    ]
    assert all(item.section_path == ["一、整治安排表"] for item in document.items)


def test_traditional_script_is_read_as_simplified() -> None:
    document = parse(
        "二、深化行政審批制度改革\n"
        "1.加大簡政放權力度。堅持依法放權、宜放則放的原則。"
        "（牽頭單位：州行政審批服務局；責任單位：州司法局、各縣市人民政府，6月底完成）\n"
        "2.全面實施行政許可事項清單管理。（州政府辦公室牽頭，各縣市按職責分工負責）\n"
    )
    assert rows(document) == [
        ("1", ["二、深化行政审批制度改革"], ["州行政审批服务局"], ["州司法局", "各县市人民政府"]),
        ("2", ["二、深化行政审批制度改革"], ["州政府办公室"], ["各县市"]),
    ]
    assert any("traditional" in warning for warning in document.warnings)


def test_pdf_compatibility_characters_are_folded() -> None:
    document = parse("1.加强⼈⺠调解⼯作。（责任单位：区司法局）")
    assert document.items[0].text.startswith("加强人民调解工作")


def test_items_that_start_with_a_date_or_name_a_website_or_phone_are_kept() -> None:
    document = parse(
        "1、12月31日前完成年度法治政府建设情况报告并在政府网站公开。\n"
        "2、开通投诉电话12345，公布网址www.example.gov.cn，及时处理群众投诉。\n"
        "3、建立联系电话：0851-1234567 值班制度。\n"
    )
    assert [item.number for item in document.items] == ["1", "2", "3"]
    assert "www.example.gov.cn" in document.items[1].text
    assert "0851-1234567" in document.items[2].text


def test_item_numbers_of_a_thousand_and_more_are_kept() -> None:
    text = "\n".join(f"{n}.第{n}项工作任务按期完成。（责任单位：区司法局）" for n in range(1, 1006))
    document = parse(text)
    assert len(document.items) == 1005
    assert [item.number for item in document.items[-3:]] == ["1003", "1004", "1005"]
    assert not [item for item in document.items if item.review]


def test_an_attachment_list_signature_and_page_numbers_are_not_items_or_units() -> None:
    document = parse(
        "关于印发《某区2023年普法工作要点》的通知\n"
        "各街道、区直各部门：\n现将《要点》印发给你们，请认真贯彻落实。\n"
        "附件：1.某区2023年普法工作要点\n2.某区普法责任清单\n"
        "某区普法办\n2023年3月1日\n"
        "某区2023年普法工作要点\n"
        "一、加强宪法宣传\n"
        "1.开展宪法宣传周活动。\n牵头单位：区司法局\n"
        "- 2 -\n"
        "2.推进“八五”普法中期评估。\n牵头单位：区委宣传部\n"
    )
    assert rows(document) == [
        ("1", ["一、加强宪法宣传"], ["区司法局"], []),
        ("2", ["一、加强宪法宣传"], ["区委宣传部"], []),
    ]
    assert document.plans[0].title == "某区2023年普法工作要点"
    unused = [text.text for text in document.unused]
    assert any("某区普法责任清单" in text for text in unused)
    assert document.chrome_lines >= 1


def test_a_signature_under_the_last_item_is_not_its_unit() -> None:
    document = parse(
        "一、工作任务\n1.开展法治宣传。\n区司法局\n2.开展执法检查。\n区市场监管局\n"
        "某区人民政府办公室\n2021年5月6日"
    )
    assert [item.lead_units for item in document.items] == [["区司法局"], ["区市场监管局"]]


def test_a_document_sites_chunk_numbers_are_not_items() -> None:
    body = "推动全社会增强法治观念。" * 8
    document = parse(
        f"1、某市法治社会建设工作措施为建设法治社会，制定本措施。一、推动全社会增强法治观念"
        f"（一）把学习宣传宪法作为重要任务。{body}做好进教材、进课堂、\n"
        f"2、进头脑工作。{body}（二）实现宪法宣传教育常态化。{body}推动形成良好的社会\n"
        "3、氛围。"
    )
    assert [item.number for item in document.items] == ["一", "二"]
    assert "进头脑工作" in document.items[0].text
    assert document.items[1].text.endswith("社会氛围。")


@pytest.mark.parametrize(
    ("heading", "place", "level"),
    [
        ("宝应县人民政府\n2019年3月1日\n2019年度全县法治政府建设工作计划", "宝应县", "县"),
        ("乐山市人民政府办公室\n2021年4月2日\n乐山市2021年度立法工作计划", "乐山市", "市"),
        ("浙江省人民政府办公厅\n2022年1月22日\n浙江省2022年立法工作计划", "浙江省", "省"),
        ("中共海原县红羊乡委员会\n2022年5月10日\n红羊乡2022年普法工作计划", "红羊乡", "乡"),
        ("南湾街道办事处\n2021年2月1日\n南湾街道2021年普法工作计划", "南湾街道", "街道"),
        ("鄂托克前旗人民政府\n2020年3月1日\n2020年法治政府建设工作要点", "鄂托克前旗", "旗"),
    ],
)
def test_the_plans_place_and_level_are_read_from_the_document(
    heading: str, place: str, level: str
) -> None:
    document = parse(f"{heading}\n一、主要任务\n1.开展法治宣传。（责任单位：司法所）")
    plan = document.plans[0]
    assert (plan.jurisdiction_name, plan.jurisdiction) == (place, level)


def test_a_plan_without_a_title_line_takes_the_title_its_notice_hands_out() -> None:
    document = parse(
        "关于印发《某县2023年依法行政工作要点》的通知\n各乡镇：\n现印发给你们。\n"
        "一、任务\n1.开展执法检查。（责任单位：县司法局）",
        "download_1234.txt",
    )
    assert document.plans[0].title == "某县2023年依法行政工作要点"


def test_legacy_word_files_get_one_sentence_on_converting() -> None:
    with pytest.raises(DocumentError) as caught:
        parse_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "plan.wps")
    assert caught.value.reason == "legacy_office"
    assert ".docx" in caught.value.message


def test_a_cover_letters_numbered_requests_are_not_duties() -> None:
    document = parse(
        "各街道办事处，区人民政府各部门：\n"
        "一、各责任单位要高度重视，制订工作方案。\n二、区绩效考评机构要纳入考核。\n"
        "某区人民政府办公室\n2023年1月3日\n"
        "2023年区政府工作报告主要目标任务责任分解方案\n"
        "一、主要预期目标\n（一）地区生产总值增长7%以上\n责任单位：区发展和改革局\n"
    )
    assert rows(document) == [("一", ["一、主要预期目标"], [], ["区发展和改革局"])]
    assert any("高度重视" in text.text for text in document.unused)
