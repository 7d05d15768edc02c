import json
import pickle

import pytest

import vnfo
from vnfo import manifest as M

CUSTOMER = vnfo.SigningKey.from_seed(b"\x01" * 32)
PROVIDER = vnfo.SigningKey.from_seed(b"\x02" * 32)


def test_template_loads_and_exposes_every_section(tmp_path):
    text = M.template()
    m = vnfo.Manifest(text, name="t.json")
    path = tmp_path / "m.json"
    path.write_text(text)
    again = vnfo.Manifest.load(path)
    assert again.digest == m.digest and len(m.digest) == 32
    assert m.party("customer")[1] == CUSTOMER.public_key
    assert m.party("provider")[1] == PROVIDER.public_key
    chain = m.chain
    assert chain and all(set(e) >= {"name", "function", "node_id", "public_key"} for e in chain)
    assert m.chain_index(chain[-1]["name"]) == len(chain) - 1
    s = m.sampling
    assert 0 < s["rate"] <= 1 and s["hash"] and len(s["key_commitment"]) == 32
    assert m.logging["batch_records"] > 0 and m.billing["end"] > m.billing["start"]
    assert m.logging["heartbeat_ms"] is None  # the example manifest asks for no heartbeats
    assert 0 < m.verification["confidence"] < 1
    doc = m.to_dict()
    json.dumps(doc)  # plain values only
    assert doc["digest"] == m.digest.hex() and doc["id"] == m.id
    with pytest.raises(vnfo.NotFound):
        m.chain_index("no-such-function")


def test_digest_ignores_comments_and_layout():
    doc = json.loads(M.template())
    compact = json.dumps(doc, separators=(",", ":"))
    doc["comment"] = "a different comment"
    assert vnfo.Manifest(compact).digest == vnfo.Manifest(json.dumps(doc, indent=1)).digest


def test_party_signatures(tmp_path):
    m = vnfo.Manifest(M.template())
    sig = m.sign("customer", CUSTOMER)
    m.verify_signature("customer", sig)
    with pytest.raises(vnfo.SignatureError):
        m.verify_signature("provider", sig)
    with pytest.raises(vnfo.ManifestError) as info:
        m.sign("provider", CUSTOMER)
    assert info.value.status_name == "VNFO_E_MANIFEST_PARTY_MISMATCH"
    text = m.signature_text("customer", sig)
    assert m.parse_signature(text) == ("customer", sig)
    m.save_signature("provider", PROVIDER, tmp_path / "p.sig")
    assert m.load_signature(tmp_path / "p.sig") == "provider"
    other = json.loads(M.template())
    other["id"] = other["id"] + "-2"
    with pytest.raises(vnfo.ManifestError) as info:
        vnfo.Manifest(json.dumps(other)).parse_signature(text, name="c.sig")
    assert info.value.status_name == "VNFO_E_MANIFEST_DIGEST_MISMATCH"


def test_errors_carry_line_column_and_json_path(tmp_path):
    doc = json.loads(M.template())
    doc["chain"][1]["node_id"] = doc["chain"][0]["node_id"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc, indent=2))
    with pytest.raises(vnfo.ManifestError) as info:
        vnfo.Manifest.load(path)
    err = info.value
    assert err.status_name == "VNFO_E_MANIFEST_DUPLICATE"
    assert err.json_path == "chain[1].node_id" and err.path == str(path)
    line = path.read_text().splitlines()[err.line - 1]
    assert '"node_id"' in line and err.column >= 1
    assert err.message.startswith(f"{path}:{err.line}:{err.column}: chain[1].node_id: ")
    with pytest.raises(vnfo.ManifestError) as info:
        vnfo.Manifest('{"vnfo_manifest": 1,', name="cut.json")
    assert info.value.status_name == "VNFO_E_MANIFEST_SYNTAX" and info.value.line == 1
    with pytest.raises(vnfo.NotFound):
        vnfo.Manifest.load(tmp_path / "none.json")
