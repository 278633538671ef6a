"""Files travel both ways: users upload evidence the bot downloads, the bot sends exports."""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import AsyncIterator

import aiohttp
import pytest
from telegram import InputFile
from telegram.error import BadRequest

from bot.sandbox.client import SandboxClient, SandboxClientError
from bot.sandbox.server import SandboxServer
from bot.sandbox.testing import TEST_TOKEN, ptb_bot, running_sandbox

Sandbox = tuple[SandboxServer, SandboxClient]


def tiny_png(width: int, height: int) -> bytes:
    """A valid PNG of the given size (one grey channel, all zero)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with running_sandbox() as pair:
        yield pair


async def test_user_document_is_downloadable_by_the_bot(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Evidence")
    content = "2023年度行政执法统计 已公开\n".encode() * 100
    sent = await sandbox_client.upload(user["id"], content, "统计.txt", caption="证明材料")
    async with ptb_bot(server) as bot:
        [update] = await bot.get_updates()
        message = update.message
        assert message is not None and message.document is not None
        assert message.caption == "证明材料"
        assert message.document.file_name == "统计.txt"
        assert message.document.mime_type == "text/plain"
        assert message.document.file_size == len(content)
        assert message.message_id == sent.message_id
        file = await message.document.get_file()
        assert file.file_path is not None and file.file_path.startswith(server.base_file_url)
        downloaded = await file.download_as_bytearray()
        assert bytes(downloaded) == content


async def test_user_photo_has_dimensions_and_downloads(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Photographer")
    png = tiny_png(32, 20)
    await sandbox_client.upload(user["id"], png, "board.png", kind="photo")
    with pytest.raises(SandboxClientError) as refused:
        await sandbox_client.upload(user["id"], b"not an image", "fake.png", kind="photo")
    assert refused.value.status == 400
    async with ptb_bot(server) as bot:
        [update] = await bot.get_updates()
        [size] = update.message.photo
        assert (size.width, size.height) == (32, 20)
        file = await bot.get_file(size.file_id)
        out = io.BytesIO()
        await file.download_to_memory(out=out)
        assert out.getvalue() == png


async def test_bot_documents_are_downloadable_through_the_control_api(sandbox: Sandbox) -> None:
    server, sandbox_client = sandbox
    user = await sandbox_client.create_user("Coordinator")
    ledger = "单位,任务,状态\n区司法局,年度报告,已完成\n".encode()
    async with ptb_bot(server) as bot:
        message = await bot.send_document(
            user["id"],
            InputFile(ledger, filename="ledger.csv"),
            caption="<b>台账</b> 导出",
            parse_mode="HTML",
        )
        assert message.document is not None and message.document.file_name == "ledger.csv"
        assert message.caption == "台账 导出"
        again = await bot.send_document(user["id"], message.document.file_id)
        assert again.document.file_unique_id == message.document.file_unique_id
        photo = await bot.send_photo(user["id"], InputFile(tiny_png(4, 4), filename="p.png"))
        assert (photo.photo[-1].width, photo.photo[-1].height) == (4, 4)
        with pytest.raises(BadRequest, match="(?i)wrong file identifier"):
            await bot.send_document(user["id"], "no-such-file-id")
        with pytest.raises(BadRequest, match="(?i)can't use file of type Document as Photo"):
            await bot.send_photo(user["id"], message.document.file_id)
        with pytest.raises(BadRequest, match="(?i)IMAGE_PROCESS_FAILED"):
            await bot.send_photo(user["id"], InputFile(b"plain text", filename="x.png"))
        with pytest.raises(BadRequest, match="(?i)invalid file_id"):
            await bot.get_file("nope")
    entries = await sandbox_client.messages(user["id"])
    assert [e["kind"] for e in entries] == ["message", "message", "message"]
    document = entries[0]["document"]
    assert document["file_name"] == "ledger.csv" and document["mime_type"] == "text/csv"
    assert entries[0]["caption"] == "<b>台账</b> 导出"
    assert await sandbox_client.download(document["file_id"]) == ledger
    assert entries[2]["photo"]["width"] == 4


async def test_unknown_file_paths_answer_404(sandbox: Sandbox) -> None:
    server, _ = sandbox
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{server.base_file_url}{TEST_TOKEN}/documents/file_999.txt") as response,
    ):
        assert response.status == 404
        assert (await response.json())["description"] == "Not Found"
