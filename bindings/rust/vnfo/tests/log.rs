mod common;

use std::io;

use common::frame;
use vnfo::log::{LogReader, LogReaderOptions, LogWriter, LogWriterOptions};
use vnfo::packet::{self, LINKTYPE_ETHERNET};
use vnfo::record::{PacketRecord, Record, FORWARDED, HEARTBEAT, PACKET, PERIOD_CLOSE};
use vnfo::{sys, SigningKey};

fn assert_send<T: Send>() {}
fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn thread_rules() {
    assert_send::<LogWriter<'static, Vec<u8>>>();
    assert_send::<LogReader<'static>>();
    assert_send_sync::<SigningKey>();
}

fn node_key() -> SigningKey {
    SigningKey::from_seed(&[9u8; 32]).unwrap()
}

fn record(i: u32) -> Record<'static> {
    let f = frame(i);
    let d = packet::digest(&f, LINKTYPE_ETHERNET).unwrap();
    Record::packet(&PacketRecord {
        label: 1000 + i as u64,
        digest_in: d,
        digest_out: d,
        verdict: FORWARDED,
        t_in_ns: 10 * i as u64,
        t_out_ns: 10 * i as u64 + 5,
        ..PacketRecord::default()
    })
}

/// A log of `n` records in batches of 4, written to memory.
fn write_log(key: &SigningKey, n: u32) -> Vec<u8> {
    let opts = LogWriterOptions::default().node_id(3).batch_records(4);
    let mut w = LogWriter::new(&opts, key, Vec::new()).unwrap();
    for i in 0..n {
        w.append(&record(i)).unwrap();
    }
    assert_eq!(w.next_seq(), n as u64);
    w.finish().unwrap()
}

#[test]
fn written_logs_verify_and_iterate() {
    let key = node_key();
    let bytes = write_log(&key, 10);
    let mut r = LogReader::new(&LogReaderOptions::new(key.public_key()).node_id(3)).unwrap();
    r.add_buffer(&bytes, "mem").unwrap();
    r.verify().unwrap();
    let batches = r.batches();
    assert_eq!(batches.len(), 3);
    assert!(batches.iter().all(|b| b.status == sys::VNFO_OK && b.source == "mem"));
    assert_eq!(batches[2].header.unwrap().record_count, 2);
    let recs: Vec<Record<'_>> = r.records().collect::<Result<_, _>>().unwrap();
    assert_eq!(recs.len(), 10);
    for (i, rec) in recs.iter().enumerate() {
        assert_eq!((rec.node_id(), rec.seq()), (3, i as u64));
        assert_eq!(rec.packet_fields().unwrap(), record(i as u32).packet_fields().unwrap());
    }
}

#[test]
fn log_files_from_a_file_sink() {
    let key = node_key();
    let dir = common::TempDir::new("log");
    let path = dir.path().join("node.log");
    let opts = LogWriterOptions::default().node_id(3).batch_records(16);
    let file = std::fs::File::create(&path).unwrap();
    let mut w = LogWriter::new(&opts, &key, io::BufWriter::new(file)).unwrap();
    for i in 0..40 {
        w.append(&record(i)).unwrap();
    }
    drop(w); // Drop delivers the open batch
    let mut r = LogReader::new(&LogReaderOptions::new(key.public_key())).unwrap();
    r.add_file(&path).unwrap();
    r.verify().unwrap();
    assert_eq!(r.records().count(), 40);
}

#[test]
fn a_corrupt_log_is_refused_with_its_place() {
    let key = node_key();
    let mut bytes = write_log(&key, 8);
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55; // inside the second batch's signature or records
    let mut r = LogReader::new(&LogReaderOptions::new(key.public_key())).unwrap();
    r.add_buffer(&bytes, "corrupt.log").unwrap();
    let e = r.verify().unwrap_err();
    assert!(e.message().contains("corrupt.log"), "{}", e.message());
    let bad: Vec<_> = r.batches().into_iter().filter(|b| b.status != sys::VNFO_OK).collect();
    assert_eq!(bad.len(), 1);
    assert_eq!(bad[0].status, e.status());
    // The first batch stays readable: authentic records never disappear.
    assert_eq!(r.records().filter(|x| x.is_ok()).count(), 4);
}

#[test]
fn a_truncated_log_says_so() {
    let key = node_key();
    let bytes = write_log(&key, 8);
    let mut r = LogReader::new(&LogReaderOptions::new(key.public_key())).unwrap();
    r.add_buffer(&bytes[..bytes.len() - 10], "cut.log").unwrap();
    let e = r.verify().unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_LOG_TRUNCATED);
    assert_eq!(e.name(), "VNFO_E_LOG_TRUNCATED");
    assert!(e.message().starts_with("cut.log"), "{}", e.message());
}

#[test]
fn another_nodes_key_fails_every_batch() {
    let bytes = write_log(&node_key(), 4);
    let other = SigningKey::from_seed(&[1u8; 32]).unwrap();
    let mut r = LogReader::new(&LogReaderOptions::new(other.public_key())).unwrap();
    r.add_buffer(&bytes, "mem").unwrap();
    let e = r.verify().unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_SIGNATURE_INVALID);
    assert_eq!(r.records().count(), 0);
}

/// A sink that fails after `ok` writes (two per batch: length, batch).
struct Flaky {
    ok: usize,
    writes: usize,
    data: Vec<u8>,
}

impl io::Write for Flaky {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.writes == self.ok {
            return Err(io::Error::new(io::ErrorKind::Other, "disk full"));
        }
        self.writes += 1;
        self.data.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_failing_sink_is_reported_with_its_io_error_and_counted() {
    let key = node_key();
    let opts = LogWriterOptions::default().batch_records(2);
    let mut w = LogWriter::new(&opts, &key, Flaky { ok: 2, writes: 0, data: Vec::new() }).unwrap();
    w.append(&record(0)).unwrap();
    w.append(&record(1)).unwrap(); // first batch delivered
    w.append(&record(2)).unwrap();
    let e = w.append(&record(3)).unwrap_err(); // second batch lost
    assert_eq!(e.status(), sys::VNFO_E_LOG_SINK);
    assert!(e.message().contains("disk full"), "{}", e.message());
    assert_eq!(std::error::Error::source(&e).unwrap().to_string(), "disk full");
    assert_eq!((w.pending_lost(), w.lost_total()), (2, 2));
    // The delivered batch is a complete log of records 0 and 1.
    let mut r = LogReader::new(&LogReaderOptions::new(key.public_key())).unwrap();
    r.add_buffer(&w.get_ref().data, "flaky").unwrap();
    r.verify().unwrap();
    assert_eq!(r.records().count(), 2);
}

#[test]
fn a_panicking_sink_does_not_unwind_through_c() {
    struct Panics;
    impl io::Write for Panics {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            panic!("sink bug")
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let key = node_key();
    let mut w = LogWriter::new(&LogWriterOptions::default().batch_records(1), &key, Panics).unwrap();
    let e = w.append(&record(0)).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_LOG_SINK);
    assert!(e.message().contains("panicked"), "{}", e.message());
}

#[test]
fn writer_options_are_checked() {
    let key = node_key();
    let e = LogWriter::new(&LogWriterOptions::default().batch_records(0), &key, Vec::new()).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_LIMIT_EXCEEDED);
    assert!(e.message().contains("batch_records"), "{}", e.message());
}

#[test]
fn inclusion_proofs_prove_one_record_to_a_third_party() {
    use vnfo::log::{record_bytes, Proof};
    let key = node_key();
    let bytes = write_log(&key, 10);
    let mut r = LogReader::new(&LogReaderOptions::new(key.public_key())).unwrap();
    r.add_buffer(&bytes, "mem").unwrap();
    r.verify().unwrap();
    let batch = r.batch_bytes(1).unwrap();
    let rec = record_bytes(batch, 2).unwrap();
    assert_eq!(Record::decode(rec).unwrap().seq(), 6);
    let proof = Proof::create(batch, 2).unwrap();
    assert_eq!((proof.raw().leaf_index, proof.raw().tree_size), (2, 4));
    proof.check(&key.public_key(), rec).unwrap();
    let other = record_bytes(batch, 3).unwrap();
    assert_eq!(proof.check(&key.public_key(), other).unwrap_err().status(), sys::VNFO_E_LOG_PROOF_INVALID);
    let stranger = SigningKey::from_seed(&[1u8; 32]).unwrap().public_key();
    assert_eq!(proof.check(&stranger, rec).unwrap_err().status(), sys::VNFO_E_SIGNATURE_INVALID);
    assert_eq!(Proof::create(batch, 4).unwrap_err().status(), sys::VNFO_E_NOT_FOUND);
    assert_eq!(record_bytes(batch, 9).unwrap_err().status(), sys::VNFO_E_NOT_FOUND);
    assert!(r.batch_bytes(3).is_none());
}

#[test]
fn heartbeats_and_period_closes_sign_their_batch() {
    let key = node_key();
    let opts = LogWriterOptions::default().node_id(3).batch_records(100);
    let mut w = LogWriter::new(&opts, &key, Vec::new()).unwrap();
    w.append(&record(0)).unwrap();
    w.heartbeat(5_000).unwrap(); // closes the open batch: record 0, heartbeat
    w.heartbeat(6_000).unwrap(); // a batch of its own
    let e = w.close_period(2_000, 1_000, 7_000).unwrap_err();
    assert_eq!(e.status(), sys::VNFO_E_INVALID_ARGUMENT);
    assert!(e.message().contains("before it starts"), "{}", e.message());
    assert_eq!(w.next_seq(), 3, "an inverted period appends nothing");
    w.close_period(1_000, 2_000, 7_000).unwrap();
    w.append(&record(1)).unwrap(); // the writer goes on into the next period
    let bytes = w.finish().unwrap();

    let mut r = LogReader::new(&LogReaderOptions::new(key.public_key()).node_id(3)).unwrap();
    r.add_buffer(&bytes, "mem").unwrap();
    r.verify().unwrap();
    let counts: Vec<u32> = r.batches().iter().map(|b| b.header.unwrap().record_count).collect();
    assert_eq!(counts, [2, 1, 1, 1]);
    let recs: Vec<Record<'_>> = r.records().collect::<Result<_, _>>().unwrap();
    let kinds: Vec<u32> = recs.iter().map(|r| r.kind()).collect();
    assert_eq!(kinds, [PACKET, HEARTBEAT, HEARTBEAT, PERIOD_CLOSE, PACKET]);
    assert_eq!(recs.iter().map(|r| r.seq()).collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
    assert_eq!(recs[1].as_heartbeat().unwrap().time_ns, 5_000);
    assert_eq!(recs[2].as_heartbeat().unwrap().time_ns, 6_000);
    let close = recs[3].as_period_close().unwrap();
    assert_eq!((close.period_start_ns, close.period_end_ns, close.time_ns), (1_000, 2_000, 7_000));
    assert_eq!(recs[3].to_json().unwrap()["node_id"], 3);
}
