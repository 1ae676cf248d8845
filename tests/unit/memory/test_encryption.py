"""Encryption at rest: a canary never reaches the files or exports; a wrong key destroys nothing."""

from __future__ import annotations

from cryptography.fernet import Fernet

CANARY = "CANARY-7f3a9c-never-on-disk"


def _all_bytes(folder) -> list[tuple[str, bytes]]:
    return [(str(p), p.read_bytes()) for p in folder.rglob("*") if p.is_file()]


def test_canary_never_on_disk_nor_in_exports(open_memory):
    key = Fernet.generate_key().decode()
    mem = open_memory(env={"ZC_MEMORY_KEY": key}, encryption=True)
    assert mem.degraded is None and mem.cipher is not None
    agent = mem.agent("conversational")
    for i in range(30):
        agent.remember("chat", f"user said {CANARY} number {i}", {"note": CANARY}, f"file:///{CANARY}.py")
    tid = mem.tasks.start_task("conversational", "chat", payload={"q": CANARY})
    mem.tasks.finish_task(tid, "done", result={"a": CANARY}, error=None)
    mem.tasks.record_task("conversational", "chat", "failed", 1.0, result={"a": CANARY}, error=CANARY)
    mem.tasks.add_report("conversational", "chat", f"# {CANARY}")
    # readable through the API with the key
    [hit] = agent.recall(f"{CANARY} number 7", k=1)
    assert hit.content == f"user said {CANARY} number 7" and hit.metadata == {"note": CANARY}
    assert hit.uri == f"file:///{CANARY}.py"
    assert mem.tasks.get_report(1)["markdown"] == f"# {CANARY}"
    assert mem.tasks.list_tasks()[0]["result"] == {"a": CANARY} and mem.tasks.list_tasks()[0]["error"] == CANARY
    # exports stay ciphertext unless plaintext is asked for
    exported = agent.export()
    assert CANARY not in repr(exported) and all(r["encrypted"] for r in exported)
    assert CANARY in agent.export(decrypt=True)[0]["content"]
    agent.forget(hit.id)
    # while the store is open (WAL and shm present) and after close
    for name, data in _all_bytes(mem.path):
        assert CANARY.encode() not in data, name
    mem.close()
    for name, data in _all_bytes(mem.path):
        assert CANARY.encode() not in data, name


def test_passphrase_key_reopens_and_wrong_key_destroys_nothing(open_memory, tmp_path):
    mem = open_memory(env={"ZC_MEMORY_KEY": "correct horse battery staple"}, encryption=True)
    mem.agent("ops").remember("note", "remember the milk")
    mem.close()
    before = {n: d for n, d in _all_bytes(tmp_path / "data") if not n.endswith(("-wal", "-shm"))}

    wrong = open_memory(env={"ZC_MEMORY_KEY": "not the passphrase"}, encryption=True)
    assert wrong.degraded and "does not match" in wrong.degraded
    agent = wrong.agent("ops")
    import pytest

    from zc_lsp.memory import MemoryUnavailable
    with pytest.raises(MemoryUnavailable, match="does not match"):
        agent.recall("milk")
    with pytest.raises(MemoryUnavailable):
        wrong.tasks.start_task("ops", "x")
    wrong.close()
    after = {n: d for n, d in _all_bytes(tmp_path / "data") if not n.endswith(("-wal", "-shm"))}
    assert after == before

    # encryption switched off in config but the folder is encrypted: still needs the key
    nokey = open_memory(encryption=False)
    assert nokey.degraded and "no key" in nokey.degraded
    right = open_memory(env={"ZC_MEMORY_KEY": "correct horse battery staple"}, encryption=True)
    assert right.degraded is None
    assert [i.content for i in right.agent("ops").recall("milk")] == ["remember the milk"]


def test_switching_encryption_on_encrypts_existing_rows(open_memory, tmp_path):
    plain = open_memory()
    plain.agent("programming").remember("note", f"old plaintext {CANARY}")
    plain.close()
    key = Fernet.generate_key().decode()
    enc = open_memory(env={"ZC_MEMORY_KEY": key}, encryption=True)
    agent = enc.agent("programming")
    assert [i.content for i in agent.recall(CANARY)] == [f"old plaintext {CANARY}"]
    for name, data in _all_bytes(tmp_path / "data"):
        assert CANARY.encode() not in data, name
