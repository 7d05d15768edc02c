//! A minimal shim: the whole shim-side API in one file, the Rust twin of
//! examples/shim/shim.c.
//!
//! For each packet: decide whether it is in the trajectory sample; if so,
//! write a record with its digests and times into a signed, chained log.
//! Then, as the verifier would, read the log back and verify it.
//!
//! Run: cargo run --example shim [LOGFILE]   (default shim-example.log)

use std::fs::OpenOptions;
use std::process::ExitCode;

use vnfo::log::{LogReader, LogReaderOptions, LogWriter, LogWriterOptions};
use vnfo::packet::{self, LINKTYPE_ETHERNET};
use vnfo::record::{PacketRecord, Record, FORWARDED};
use vnfo::sampler::SamplingKey;
use vnfo::{Sampler, SamplerOptions, SigningKey};

/// A 64-byte Ethernet/IPv4/UDP frame; the IPv4 identification and byte 37
/// (low byte of the UDP destination port) are varied to make distinct packets.
fn make_frame(f: &mut [u8; 64], i: u32) {
    const FRAME: [u8; 49] = [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00, // Ethernet
        0x45, 0, 0, 50, 0x12, 0x34, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, // IPv4 ...
        192, 0, 2, 7, // ... dst
        0x30, 0x39, 0x00, 0x35, 0, 30, 0, 0, // UDP
        b'p', b'a', b'y', b'l', b'o', b'a', b'd',
    ];
    *f = [0; 64];
    f[..FRAME.len()].copy_from_slice(&FRAME);
    f[19] = i as u8; // IPv4 identification, which psamp hashes
    f[37] = (i >> 8) as u8;
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() > 1 {
        eprintln!("usage: shim [LOGFILE]");
        return ExitCode::from(64);
    }
    let path = args.first().map_or("shim-example.log", |s| s.as_str());
    match run(path) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("shim: {}", e);
            ExitCode::from(1)
        }
    }
}

fn run(path: &str) -> Result<bool, Box<dyn std::error::Error>> {
    // Keys: in a deployment both come from files (SamplingKey::load,
    // SigningKey::load) provisioned with the manifest.
    let sampling_key = SamplingKey::generate()?;
    let node_key = SigningKey::generate()?;

    // The sampler: siphash-2-4 over the psamp fields, rate 1/4.  It keeps its
    // own copy of the key; ours is wiped when dropped.
    let sampler = Sampler::new(&SamplerOptions::default().rate(1, 4), &sampling_key)?;
    drop(sampling_key);

    // The log writer: batches of 16 records appended to LOGFILE.
    let file = OpenOptions::new().write(true).create(true).truncate(true).open(path)?;
    let opts = LogWriterOptions::default().node_id(1).batch_records(16);
    let mut writer = LogWriter::new(&opts, &node_key, file)?;

    // The per-packet path: no allocation anywhere below.
    let mut selected = 0u32;
    let mut frame = [0u8; 64];
    for i in 0..1000 {
        make_frame(&mut frame, i);
        let d = sampler.decide(&frame, LINKTYPE_ETHERNET, 0);
        if !d.selected() {
            continue;
        }
        let digest = packet::digest(&frame, LINKTYPE_ETHERNET)?;
        let rec = Record::packet(&PacketRecord {
            label: d.label(),
            digest_in: digest,
            digest_out: digest,
            verdict: FORWARDED,
            t_in_ns: 1000 * i as u64,
            t_out_ns: 1000 * i as u64 + 250,
            // What the frame was and its wire length: without them a
            // verifier reads Ethernet and cannot bill the bytes.
            link_type: Some(LINKTYPE_ETHERNET),
            wire_len: frame.len() as u32,
            ..PacketRecord::default()
        });
        writer.append(&rec)?;
        selected += 1;
    }
    writer.finish()?;

    // The verifier's side: check every batch, then count the records.
    let mut reader = LogReader::new(&LogReaderOptions::new(node_key.public_key()))?;
    reader.add_file(path)?;
    reader.verify()?;
    let mut read_back = 0u32;
    for rec in reader.records() {
        rec?;
        read_back += 1;
    }
    println!(
        "1000 packets, {} selected (rate 1/4), {} records verified in {} batches",
        selected,
        read_back,
        (selected + 15) / 16
    );
    Ok(read_back == selected && selected > 150 && selected < 350)
}
