//! Read a capture (pcap or pcapng, with the pcap-file crate), sample its
//! packets in bursts of 32, log the selected ones, then verify the log it
//! wrote and check every record against the capture.
//!
//! Run: cargo run --example pcap_verify -- CAPTURE [LOGFILE]

#[path = "../tests/common/capture.rs"]
mod capture;

use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;

use vnfo::log::{LogReader, LogReaderOptions, LogWriter, LogWriterOptions};
use vnfo::packet;
use vnfo::record::{PacketRecord, Record, FORWARDED};
use vnfo::sampler::SamplingKey;
use vnfo::{Decision, Sampler, SamplerOptions, SigningKey};

const BURST: usize = 32;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() || args.len() > 2 {
        eprintln!("usage: pcap_verify CAPTURE [LOGFILE]");
        return ExitCode::from(64);
    }
    let log = args.get(1).map_or("pcap-example.log", |s| s.as_str());
    match run(Path::new(&args[0]), Path::new(log)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pcap_verify: {}", e);
            ExitCode::from(1)
        }
    }
}

fn run(pcap: &Path, log: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let cap = capture::read_capture(pcap).map_err(|e| format!("{}: {}", pcap.display(), e))?;
    if let Some(e) = &cap.error {
        eprintln!("pcap_verify: {}: read {} packets, then: {}", pcap.display(), cap.packets.len(), e);
    }
    let sampler = Sampler::new(&SamplerOptions::default().rate(1, 4), &SamplingKey::generate()?)?;
    let node_key = SigningKey::generate()?;
    let file = std::fs::File::create(log)?;
    let mut writer = LogWriter::new(&LogWriterOptions::default().node_id(1).batch_records(64), &node_key, file)?;

    // Sample in bursts, as a data plane delivers packets; log what is selected.
    let slices: Vec<&[u8]> = cap.packets.iter().map(|p| p.as_slice()).collect();
    let mut decisions = [Decision::default(); BURST];
    // Different packets may share a label (it hashes the field set, the
    // digest every invariant byte), so each label keeps a list of digests.
    let mut logged: HashMap<u64, Vec<packet::Digest>> = HashMap::new();
    let (mut unhashable, mut selected) = (0usize, 0usize);
    for (b, burst) in slices.chunks(BURST).enumerate() {
        sampler.decide_burst(burst, cap.linktype, None, &mut decisions[..burst.len()])?;
        for (j, (pkt, d)) in burst.iter().zip(&decisions).enumerate() {
            if d.status().is_err() {
                unhashable += 1;
            }
            if !d.selected() {
                continue;
            }
            let digest = packet::digest(pkt, cap.linktype)?;
            let t = ((b * BURST + j) as u64) * 1000;
            writer.append(&Record::packet(&PacketRecord {
                label: d.label(),
                digest_in: digest,
                digest_out: digest,
                verdict: FORWARDED,
                t_in_ns: t,
                t_out_ns: t + 100,
                ..PacketRecord::default()
            }))?;
            logged.entry(d.label()).or_default().push(digest);
            selected += 1;
        }
    }
    writer.finish()?;

    // Verify the log and check each record against what was sampled.
    let mut reader = LogReader::new(&LogReaderOptions::new(node_key.public_key()).node_id(1))?;
    reader.add_file(log)?;
    reader.verify()?;
    let mut verified = 0usize;
    for rec in reader.records() {
        let rec = rec?;
        let p = rec.packet_fields().ok_or("a record that is not a packet record")?;
        if !logged.get(&p.label).map_or(false, |ds| ds.contains(&p.digest_in)) {
            return Err(format!("record {} (label {:016x}) does not match the capture", rec.seq(), p.label).into());
        }
        verified += 1;
    }
    println!(
        "{}: {} packets (link type {}), {} not hashable, {} selected, {} records verified in {} batches",
        pcap.display(),
        slices.len(),
        cap.linktype,
        unhashable,
        selected,
        verified,
        reader.batches().len()
    );
    if verified != selected {
        return Err(format!("{} records verified for {} selected packets", verified, selected).into());
    }
    Ok(())
}
