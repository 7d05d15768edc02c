//! Shared test helpers: the shim's test frame, temporary directories, the
//! vnfo CLI of the build tree and `vnfo demo` output.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The 64-byte Ethernet/IPv4/UDP frame of examples/shim/shim.c, varied by `i`.
pub fn frame(i: u32) -> [u8; 64] {
    let mut f = [0u8; 64];
    let head: [u8; 49] = [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00, // Ethernet
        0x45, 0, 0, 50, 0x12, 0x34, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, // IPv4 ...
        192, 0, 2, 7, // ... dst
        0x30, 0x39, 0x00, 0x35, 0, 30, 0, 0, // UDP
        b'p', b'a', b'y', b'l', b'o', b'a', b'd',
    ];
    f[..head.len()].copy_from_slice(&head);
    f[19] = i as u8;
    f[37] = (i >> 8) as u8;
    f
}

/// A directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "vnfo-rust-{}-{}-{}",
            tag,
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// tools/vnfo of VNFO_BUILD_DIR (set by tools/with-build.sh), if built.
pub fn cli() -> Option<PathBuf> {
    let build = std::env::var_os("VNFO_BUILD_DIR")?;
    let cli = PathBuf::from(build).join("tools/vnfo");
    if cli.exists() {
        Some(cli)
    } else {
        None
    }
}

/// The output of `vnfo demo --seed 1` (made once per test binary); None,
/// with a SKIP message, without the CLI.
pub fn demo_dir() -> Option<PathBuf> {
    static DEMO: Mutex<Option<PathBuf>> = Mutex::new(None);
    let cli = match cli() {
        Some(c) => c,
        None => {
            eprintln!("SKIP: the vnfo CLI is not built (set VNFO_BUILD_DIR, see tools/with-build.sh)");
            return None;
        }
    };
    let mut demo = DEMO.lock().unwrap_or_else(|e| e.into_inner());
    if demo.is_none() {
        // Under cargo's target tmp folder, one per test binary and replaced
        // on each run: a static is never dropped, so a TempDir would leak a
        // folder in /tmp per run.
        let exe = std::env::current_exe().unwrap();
        let name = exe.file_stem().unwrap().to_string_lossy().into_owned();
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("demo-{}", name));
        let _ = std::fs::remove_dir_all(&dir);
        let out = Command::new(cli).args(["demo", "--dir"]).arg(&dir).output().unwrap();
        assert!(
            dir.join("honest/bill.json").exists(),
            "vnfo demo wrote no logs: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        *demo = Some(dir);
    }
    demo.clone()
}

/// Every regular file under `dir`, recursively, sorted: the capture corpus
/// keeps its files in subfolders ($VNFO_PCAP_DIR/tcpdump/...).
#[allow(dead_code)]
pub fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            let kind = entry.file_type().unwrap();
            if kind.is_dir() {
                todo.push(entry.path());
            } else if kind.is_file() {
                out.push(entry.path());
            }
        }
    }
    out.sort();
    out
}
