//! Burst sampling decisions per packet: the safe crate beside the C burst
//! call measured in the same run, at bursts of 32 and 256.
//!
//!     cargo bench --bench burst        (bindings/rust; see docs/rust.md)
//!
//! Frames: 1024 64-byte frames cycling IPv4/UDP, IPv6/UDP and VLAN-tagged
//! IPv4/UDP, psamp fields, siphash-2-4, rate 1/64 (as bench/bench_sampler).
//! "C burst" calls vnfo_sampler_decide_burst() directly on pointer and
//! length arrays built beforehand, as a C data plane does; "Rust &[&[u8]]"
//! is Sampler::decide_burst() over a slice of packet slices (it builds the
//! pointer and length arrays on the stack for each burst); "Rust
//! contiguous" is Sampler::decide_burst_contiguous() over one buffer and
//! packet bounds.  The machines here are shared and noisy, so the variants
//! are timed in short interleaved rounds (one pass over the 1024 frames
//! each, the order rotating every round), 1001 rounds: the ratio printed is
//! the median of the per-round ratios, which cancels drift in the load;
//! ns/packet are the medians and the minima of the rounds.

use std::ptr;
use std::time::Instant;

use vnfo::packet::LINKTYPE_ETHERNET;
use vnfo::sampler::SamplingKey;
use vnfo::{sys, Decision, Sampler, SamplerOptions};

const FRAMES: usize = 1024;
const ROUNDS: usize = 1001;

fn frames() -> Vec<[u8; 64]> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    (0..FRAMES)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let r = state.to_be_bytes();
            let mut f = [0u8; 64];
            f[6..12].copy_from_slice(&[2, 0, 0, 0, 0, 1]);
            let mut at = 12;
            if i % 3 == 2 {
                f[12..16].copy_from_slice(&[0x81, 0x00, 0x00, 100]); // VLAN 100
                at = 16;
            }
            if i % 3 == 1 {
                f[at..at + 2].copy_from_slice(&[0x86, 0xdd]);
                let ip = at + 2;
                f[ip] = 0x60;
                f[ip + 5] = 64 - 14 - 40; // payload length
                f[ip + 6] = 17;
                f[ip + 7] = 64;
                f[ip + 8] = 0x20;
                f[ip + 9..ip + 17].copy_from_slice(&r);
                f[ip + 24] = 0x20;
                f[ip + 25..ip + 33].copy_from_slice(&r);
                udp(&mut f[ip + 40..], &r, 64 - ip - 40);
            } else {
                f[at..at + 2].copy_from_slice(&[0x08, 0x00]);
                let ip = at + 2;
                let total = 64 - ip;
                f[ip] = 0x45;
                f[ip + 2..ip + 4].copy_from_slice(&(total as u16).to_be_bytes());
                f[ip + 4..ip + 6].copy_from_slice(&(i as u16).to_be_bytes());
                f[ip + 8] = 64;
                f[ip + 9] = 17;
                f[ip + 12] = 10;
                f[ip + 13..ip + 16].copy_from_slice(&r[..3]);
                f[ip + 16] = 198;
                f[ip + 17..ip + 20].copy_from_slice(&r[3..6]);
                udp(&mut f[ip + 20..], &r, total - 20);
            }
            f
        })
        .collect()
}

fn udp(l4: &mut [u8], r: &[u8; 8], len: usize) {
    l4[0..2].copy_from_slice(&r[6..8]);
    l4[2..4].copy_from_slice(&443u16.to_be_bytes());
    l4[4..6].copy_from_slice(&(len as u16).to_be_bytes());
}

fn sink(v: u64) {
    let mut x = v;
    unsafe { ptr::write_volatile(&mut x, v) };
}

fn median(t: &[f64]) -> f64 {
    let mut t = t.to_vec();
    t.sort_by(|a, b| a.partial_cmp(b).unwrap());
    t[t.len() / 2]
}

fn min(t: &[f64]) -> f64 {
    t.iter().cloned().fold(f64::INFINITY, f64::min)
}

/// ns per decision of `f`, which makes FRAMES decisions.
fn time(f: &mut dyn FnMut() -> u64) -> f64 {
    let t0 = Instant::now();
    sink(f());
    t0.elapsed().as_nanos() as f64 / FRAMES as f64
}

fn main() {
    let frames = frames();
    let key = SamplingKey::from_bytes([42; 32]);
    let s = Sampler::new(&SamplerOptions::default().rate(1, 64), &key).unwrap();
    let slices: Vec<&[u8]> = frames.iter().map(|f| &f[..]).collect();
    assert!(slices.iter().all(|p| s.decide(p, LINKTYPE_ETHERNET, 0).status().is_ok()));
    let ptrs: Vec<*const u8> = frames.iter().map(|f| f.as_ptr()).collect();
    let lens: Vec<u32> = vec![64; FRAMES];
    let mut buf = Vec::new();
    let mut bounds = vec![0usize];
    for f in &frames {
        buf.extend_from_slice(f);
        bounds.push(buf.len());
    }
    let raw = s.as_ptr();

    println!(
        "{:<28} {:>11} {:>11} {:>11} {:>11} {:>13}",
        "measurement", "median ns", "C median", "min ns", "C min", "median ratio"
    );
    for &burst in &[32usize, 256] {
        let mut out = vec![Decision::default(); burst];
        let mut c_out = vec![sys::vnfo_sampler_decision::default(); burst];
        let mut variants: [Box<dyn FnMut() -> u64 + '_>; 3] = [
            Box::new(|| {
                let mut acc = 0u64;
                for i in (0..FRAMES).step_by(burst) {
                    let mut sel = 0usize;
                    unsafe {
                        sys::vnfo_sampler_decide_burst(c_out.as_mut_ptr(), &mut sel, raw, ptrs[i..].as_ptr(),
                                                       lens[i..].as_ptr(), ptr::null(), burst, LINKTYPE_ETHERNET);
                    }
                    acc += sel as u64 + c_out[0].hash;
                }
                acc
            }),
            Box::new(|| {
                let mut acc = 0u64;
                for chunk in slices.chunks(burst) {
                    acc += s.decide_burst(chunk, LINKTYPE_ETHERNET, None, &mut out).unwrap() as u64 + out[0].hash();
                }
                acc
            }),
            Box::new(|| {
                let mut acc = 0u64;
                let mut out = [Decision::default(); 256];
                for i in (0..FRAMES).step_by(burst) {
                    let n = s
                        .decide_burst_contiguous(&buf, &bounds[i..i + burst + 1], LINKTYPE_ETHERNET, None, &mut out[..burst])
                        .unwrap();
                    acc += n as u64 + out[0].hash();
                }
                acc
            }),
        ];
        let mut times = [Vec::new(), Vec::new(), Vec::new()];
        for v in variants.iter_mut() {
            time(&mut **v); // warm-up
        }
        for round in 0..ROUNDS {
            for k in 0..3 {
                let v = (round + k) % 3;
                times[v].push(time(&mut *variants[v]));
            }
        }
        for (v, name) in [(1, "Rust &[&[u8]]"), (2, "Rust contiguous")] {
            let ratios: Vec<f64> = times[v].iter().zip(&times[0]).map(|(r, c)| r / c).collect();
            println!(
                "{:<28} {:>11.2} {:>11.2} {:>11.2} {:>11.2} {:>12.3}x",
                format!("{} burst-{}", name, burst),
                median(&times[v]),
                median(&times[0]),
                min(&times[v]),
                min(&times[0]),
                median(&ratios)
            );
        }
    }
}
