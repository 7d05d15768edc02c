//! Signed, chained logs (include/vnfo/log.h): the writer with a sink over
//! `std::io::Write`, and the reader that verifies batches and yields their
//! records as an iterator.

use std::io::{self, Write};
use std::marker::PhantomData;
use std::os::raw::c_void;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::ptr;

use crate::error::{call, Error, Result, Status};
use crate::key::{PublicKey, SigningKey};
use crate::record::Record;
use crate::{c_path, c_string, owned_str, sys};

/// Bytes of a batch or manifest digest.
pub const HASH_BYTES: usize = sys::VNFO_LOG_HASH_BYTES as usize;

/// Options of a [`LogWriter`] (`vnfo_log_writer_options` without key and
/// sink, which [`LogWriter::new`] takes).
#[derive(Clone, Copy, Debug)]
pub struct LogWriterOptions {
    raw: sys::vnfo_log_writer_options,
}

impl Default for LogWriterOptions {
    /// Batches of 1024 records or 4 MiB, BLAKE2b-256 tree, epoch 0.
    fn default() -> LogWriterOptions {
        let mut raw = sys::vnfo_log_writer_options::default();
        let st = unsafe { sys::vnfo_log_writer_options_init(&mut raw, sys::VNFO_LOG_WRITER_OPTIONS_VERSION) };
        debug_assert_eq!(st, sys::VNFO_OK);
        LogWriterOptions { raw }
    }
}

impl LogWriterOptions {
    /// The writer's node id.
    pub fn node_id(mut self, id: u32) -> Self {
        self.raw.node_id = id;
        self
    }
    /// The manifest digest every batch names.
    pub fn manifest_digest(mut self, digest: [u8; HASH_BYTES]) -> Self {
        self.raw.manifest_digest = digest;
        self
    }
    /// Records per batch.
    pub fn batch_records(mut self, n: u32) -> Self {
        self.raw.batch_records = n;
        self
    }
    /// Largest batch in bytes.
    pub fn batch_bytes(mut self, n: usize) -> Self {
        self.raw.batch_bytes = n;
        self
    }
    /// `sys::VNFO_LOG_TREE_BLAKE2B_256` or `sys::VNFO_LOG_TREE_SHA256`.
    pub fn tree_hash(mut self, hash: u32) -> Self {
        self.raw.tree_hash = hash;
        self
    }
    /// Epoch of the first batch.
    pub fn epoch(mut self, epoch: u64) -> Self {
        self.raw.epoch = epoch;
        self
    }
    /// Continue a log: first sequence number, hash of the batch before, and
    /// the records lost just before (a previous writer's
    /// `next_seq`, `last_hash`, `pending_lost`).
    pub fn continue_from(mut self, first_seq: u64, prev_hash: [u8; HASH_BYTES], lost_before: u64) -> Self {
        self.raw.first_seq = first_seq;
        self.raw.prev_hash = prev_hash;
        self.raw.lost_before = lost_before;
        self
    }
}

/// Where batches go: the `Write`r and its last I/O error.
struct Sink<W> {
    out: W,
    error: Option<io::Error>,
}

/// Hands one closed, signed batch to the `Write`r in the log-file framing
/// (its 4-byte big-endian length, then the batch), as vnfo_log_file_sink()
/// writes it.  A panic must not cross the C frames, so it becomes a sink
/// failure.
unsafe extern "C" fn sink_write<W: Write>(ctx: *mut c_void, batch: *const u8, len: usize) -> sys::vnfo_status {
    let sink = &mut *(ctx as *mut Sink<W>);
    let bytes = std::slice::from_raw_parts(batch, len);
    let write = |out: &mut W| -> io::Result<()> {
        // Batches are at most VNFO_LOG_MAX_BATCH_BYTES, far below 4 GiB.
        out.write_all(&(len as u32).to_be_bytes())?;
        out.write_all(bytes)
    };
    match catch_unwind(AssertUnwindSafe(|| write(&mut sink.out))) {
        Ok(Ok(())) => sys::VNFO_OK,
        Ok(Err(e)) => {
            sink.error = Some(e);
            sys::VNFO_E_IO
        }
        Err(_) => {
            sink.error = Some(io::Error::new(io::ErrorKind::Other, "the log sink panicked"));
            sys::VNFO_E_IO
        }
    }
}

/// A log writer: records in, signed batches out to a `std::io::Write` in
/// the log-file format (docs/FORMAT.md: each batch after its 4-byte
/// big-endian length), so a `File` or `Vec<u8>` sink holds a log that
/// [`LogReader`] and `vnfo verify` read.
///
/// `Send` (when the sink is) but not `Sync`: log.h makes the writer "per
/// handle".  It borrows its signing key, which must outlive it.  Dropping
/// the writer flushes the open batch and ignores a sink error; call
/// [`finish`](LogWriter::finish) to see it.
pub struct LogWriter<'k, W: Write> {
    raw: *mut sys::vnfo_log_writer,
    sink: *mut Sink<W>,
    _key: PhantomData<&'k SigningKey>,
}

unsafe impl<W: Write + Send> Send for LogWriter<'_, W> {}

impl<'k, W: Write> LogWriter<'k, W> {
    /// A writer signing with `key` and writing batches to `out`.
    pub fn new(opts: &LogWriterOptions, key: &'k SigningKey, out: W) -> Result<LogWriter<'k, W>> {
        crate::init()?;
        let sink = Box::into_raw(Box::new(Sink { out, error: None }));
        let mut raw_opts = opts.raw;
        raw_opts.key = key.as_ptr();
        raw_opts.sink = Some(sink_write::<W>);
        raw_opts.sink_ctx = sink.cast();
        let mut raw = ptr::null_mut();
        if let Err(e) = call(|| unsafe { sys::vnfo_log_writer_create(&mut raw, &raw_opts) }) {
            drop(unsafe { Box::from_raw(sink) });
            return Err(e);
        }
        Ok(LogWriter { raw, sink, _key: PhantomData })
    }

    /// The error of a call that may have run the sink: a sink failure
    /// carries the `io::Error` the `Write`r returned.
    fn result(&mut self, status: Status) -> Result<()> {
        if status == sys::VNFO_OK {
            return Ok(());
        }
        let err = Error::last(status);
        match unsafe { (*self.sink).error.take() } {
            Some(io) if status == sys::VNFO_E_LOG_SINK => Err(err.with_io(io)),
            _ => Err(err),
        }
    }

    /// Append a record (its node id, epoch and sequence number are set by
    /// the writer).  Never allocates; runs the sink when a batch closes.
    #[inline]
    pub fn append(&mut self, rec: &Record<'_>) -> Result<()> {
        // A thread-local store, so that an error never shows an older message.
        unsafe { sys::vnfo_error_clear() };
        let st = unsafe { sys::vnfo_log_writer_append(self.raw, rec.raw()) };
        self.result(st)
    }

    /// Close the open batch and deliver it.
    pub fn flush(&mut self) -> Result<()> {
        unsafe { sys::vnfo_error_clear() };
        let st = unsafe { sys::vnfo_log_writer_flush(self.raw) };
        self.result(st)
    }

    /// Append a heartbeat record (format 2) at `now_ns` and sign the batch
    /// with it as its last record.  Under a manifest that names
    /// `logging.heartbeat_ms` ([`Manifest::logging_heartbeat_ms`](crate::Manifest::logging_heartbeat_ms)),
    /// call it when nothing else closed a batch for that long.
    pub fn heartbeat(&mut self, now_ns: u64) -> Result<()> {
        unsafe { sys::vnfo_error_clear() };
        let st = unsafe { sys::vnfo_log_writer_heartbeat(self.raw, now_ns) };
        self.result(st)
    }

    /// Append a period-close record (format 2) for the billing period
    /// [`period_start_ns`, `period_end_ns`), closed at `now_ns`, and sign
    /// the batch.  An inverted period is `VNFO_E_INVALID_ARGUMENT` and
    /// appends nothing; the writer stays usable for the next period.
    pub fn close_period(&mut self, period_start_ns: u64, period_end_ns: u64, now_ns: u64) -> Result<()> {
        unsafe { sys::vnfo_error_clear() };
        let st = unsafe { sys::vnfo_log_writer_close_period(self.raw, period_start_ns, period_end_ns, now_ns) };
        self.result(st)
    }

    /// Close the open batch and start a new key epoch.
    pub fn set_epoch(&mut self, epoch: u64) -> Result<()> {
        unsafe { sys::vnfo_error_clear() };
        let st = unsafe { sys::vnfo_log_writer_set_epoch(self.raw, epoch) };
        self.result(st)
    }

    /// The sequence number the next record gets.
    pub fn next_seq(&self) -> u64 {
        unsafe { sys::vnfo_log_writer_next_seq(self.raw) }
    }

    /// Hash of the last batch the sink accepted.
    pub fn last_hash(&self) -> [u8; HASH_BYTES] {
        let mut out = [0u8; HASH_BYTES];
        unsafe { sys::vnfo_log_writer_last_hash(out.as_mut_ptr(), self.raw) };
        out
    }

    /// Records lost in sink failures, not yet signed into a header.
    pub fn pending_lost(&self) -> u64 {
        unsafe { sys::vnfo_log_writer_pending_lost(self.raw) }
    }

    /// Records lost in sink failures since creation.
    pub fn lost_total(&self) -> u64 {
        unsafe { sys::vnfo_log_writer_lost_total(self.raw) }
    }

    /// The sink.
    pub fn get_ref(&self) -> &W {
        unsafe { &(*self.sink).out }
    }

    /// Flush the open batch and the `Write`r, free the writer and return
    /// the `Write`r.
    pub fn finish(mut self) -> Result<W> {
        self.flush()?;
        let (raw, sink) = (self.raw, self.sink);
        std::mem::forget(self);
        unsafe { sys::vnfo_log_writer_free(raw) }; // nothing left to deliver
        let mut sink = unsafe { Box::from_raw(sink) };
        sink.out.flush().map_err(|e| Error::code(sys::VNFO_E_IO).with_io(e))?;
        Ok(sink.out)
    }
}

impl<W: Write> std::fmt::Debug for LogWriter<'_, W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogWriter").field("next_seq", &self.next_seq()).field("lost_total", &self.lost_total()).finish()
    }
}

impl<W: Write> Drop for LogWriter<'_, W> {
    fn drop(&mut self) {
        // Free first: it may still hand the open batch to the sink.
        unsafe {
            sys::vnfo_log_writer_free(self.raw);
            drop(Box::from_raw(self.sink));
        }
    }
}

/// Options of a [`LogReader`] (`vnfo_log_reader_options`).
#[derive(Clone, Copy)]
pub struct LogReaderOptions {
    raw: sys::vnfo_log_reader_options,
}

impl LogReaderOptions {
    /// Batches must be signed by `key`.
    pub fn new(key: PublicKey) -> LogReaderOptions {
        let mut raw = sys::vnfo_log_reader_options::default();
        let st = unsafe { sys::vnfo_log_reader_options_init(&mut raw, sys::VNFO_LOG_READER_OPTIONS_VERSION) };
        debug_assert_eq!(st, sys::VNFO_OK);
        raw.public_key = key.0;
        LogReaderOptions { raw }
    }
    /// Batches must name this manifest digest.
    pub fn manifest_digest(mut self, digest: [u8; HASH_BYTES]) -> Self {
        self.raw.manifest_digest = digest;
        self
    }
    /// Batches must come from this node.
    pub fn node_id(mut self, id: u32) -> Self {
        self.raw.check_node = 1;
        self.raw.node_id = id;
        self
    }
    /// The first batch must continue this sequence number and batch hash.
    pub fn anchor(mut self, seq: u64, hash: [u8; HASH_BYTES]) -> Self {
        self.raw.anchored = 1;
        self.raw.anchor_seq = seq;
        self.raw.anchor_hash = hash;
        self
    }
}

/// What the reader found about one batch.
#[derive(Clone, Debug)]
pub struct BatchInfo {
    /// VNFO_OK or the batch's fault.
    pub status: Status,
    /// What is wrong and where; empty when OK.
    pub message: String,
    /// Name of the buffer or file.
    pub source: String,
    /// Byte offset of the batch's length prefix in its source.
    pub offset: u64,
    /// The decoded header, when it could be decoded.
    pub header: Option<sys::vnfo_log_header>,
}

/// A log reader and verifier.  Buffers given to
/// [`add_buffer`](LogReader::add_buffer) are borrowed, not copied, for
/// `'a`.  `Send`, not `Sync` (log.h: "per handle").
pub struct LogReader<'a> {
    raw: ptr::NonNull<sys::vnfo_log_reader>,
    _buffers: PhantomData<&'a [u8]>,
}

unsafe impl Send for LogReader<'_> {}

impl<'a> LogReader<'a> {
    /// An empty reader.
    pub fn new(opts: &LogReaderOptions) -> Result<LogReader<'a>> {
        crate::init()?;
        let mut raw = ptr::null_mut();
        call(|| unsafe { sys::vnfo_log_reader_create(&mut raw, &opts.raw) })?;
        Ok(LogReader { raw: ptr::NonNull::new(raw).expect("VNFO_OK and NULL"), _buffers: PhantomData })
    }

    /// Add length-prefixed batches from memory (after those added before);
    /// `name` names the source in messages.
    pub fn add_buffer(&mut self, data: &'a [u8], name: &str) -> Result<()> {
        let name = c_string(name)?;
        call(|| unsafe { sys::vnfo_log_reader_add_buffer(self.raw.as_ptr(), data.as_ptr(), data.len(), name.as_ptr()) })
    }

    /// Add a log file (read into the reader's memory).
    pub fn add_file(&mut self, path: impl AsRef<Path>) -> Result<()> {
        let path = c_path(path.as_ref())?;
        call(|| unsafe { sys::vnfo_log_reader_add_file(self.raw.as_ptr(), path.as_ptr()) })
    }

    /// Verify every batch: signature, Merkle root, chain, sequence numbers,
    /// node and manifest.  The first fault is the error; per-batch faults
    /// are in [`batches`](LogReader::batches).
    pub fn verify(&mut self) -> Result<()> {
        call(|| unsafe { sys::vnfo_log_reader_verify(self.raw.as_ptr()) })
    }

    /// What the reader found about each batch (after `verify`).
    pub fn batches(&self) -> Vec<BatchInfo> {
        let n = unsafe { sys::vnfo_log_reader_batch_count(self.raw.as_ptr()) };
        (0..n)
            .filter_map(|i| {
                let mut b = sys::vnfo_log_batch_info::default();
                if unsafe { sys::vnfo_log_reader_batch(&mut b, self.raw.as_ptr(), i) } != sys::VNFO_OK {
                    return None;
                }
                Some(BatchInfo {
                    status: b.status,
                    message: unsafe { owned_str(b.message) },
                    source: unsafe { owned_str(b.source) },
                    offset: b.offset,
                    header: if b.header_valid != 0 { Some(b.header) } else { None },
                })
            })
            .collect()
    }

    /// The bytes of batch `index` (without its length prefix), for
    /// [`record_bytes`] and [`Proof::create`]; None for a truncated tail.
    pub fn batch_bytes(&self, index: usize) -> Option<&[u8]> {
        let mut b = sys::vnfo_log_batch_info::default();
        if unsafe { sys::vnfo_log_reader_batch(&mut b, self.raw.as_ptr(), index) } != sys::VNFO_OK || b.bytes.is_null() {
            return None;
        }
        // Valid until the reader is freed (log.h), so for the borrow of self.
        Some(unsafe { std::slice::from_raw_parts(b.bytes, b.len) })
    }

    /// The records of every authentic batch, in stream order.  A record
    /// that fails to decode is an `Err` item naming source, offset, batch
    /// and record, and iteration goes on after it.
    pub fn records(&self) -> Records<'_> {
        Records { reader: self, cursor: sys::vnfo_log_cursor::default(), done: false }
    }
}

impl std::fmt::Debug for LogReader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LogReader({} batches)", unsafe { sys::vnfo_log_reader_batch_count(self.raw.as_ptr()) })
    }
}

impl Drop for LogReader<'_> {
    fn drop(&mut self) {
        unsafe { sys::vnfo_log_reader_free(self.raw.as_ptr()) }
    }
}

/// Iterator over the records of a [`LogReader`]; each record borrows the
/// reader's memory.
pub struct Records<'r> {
    reader: &'r LogReader<'r>,
    cursor: sys::vnfo_log_cursor,
    done: bool,
}

impl<'r> Records<'r> {
    /// Batch index and record index of the record returned last.
    pub fn position(&self) -> (usize, u32) {
        (self.cursor.batch, self.cursor.record)
    }
}

impl<'r> Iterator for Records<'r> {
    type Item = Result<Record<'r>>;

    fn next(&mut self) -> Option<Result<Record<'r>>> {
        if self.done {
            return None;
        }
        let mut raw = sys::vnfo_record::default();
        unsafe { sys::vnfo_error_clear() };
        let st = unsafe { sys::vnfo_log_reader_next_record(&mut raw, self.reader.raw.as_ptr(), &mut self.cursor) };
        match st {
            sys::VNFO_OK => Some(Ok(unsafe { Record::from_raw(raw) })),
            sys::VNFO_E_NOT_FOUND => {
                self.done = true;
                None
            }
            sys::VNFO_E_INVALID_ARGUMENT => {
                self.done = true;
                Some(Err(Error::last(st)))
            }
            _ => Some(Err(Error::last(st))),
        }
    }
}

/// The encoded bytes of record `index` of a batch (a slice of `batch`).
pub fn record_bytes(batch: &[u8], index: u32) -> Result<&[u8]> {
    let mut p: *const u8 = ptr::null();
    let mut n = 0usize;
    call(|| unsafe { sys::vnfo_log_batch_record(&mut p, &mut n, batch.as_ptr(), batch.len(), index) })?;
    Ok(unsafe { std::slice::from_raw_parts(p, n) })
}

/// An inclusion proof: one record of a signed batch, provable to a third
/// party with the batch's signed header and the audit path alone.
#[derive(Clone)]
pub struct Proof(Box<sys::vnfo_log_proof>);

impl Proof {
    /// The proof of record `index` of a batch (verify the batch first).
    pub fn create(batch: &[u8], index: u32) -> Result<Proof> {
        let mut p = Box::new(sys::vnfo_log_proof::default());
        call(|| unsafe { sys::vnfo_log_proof_create(&mut *p, batch.as_ptr(), batch.len(), index) })?;
        Ok(Proof(p))
    }

    /// The C proof (signed header, leaf index, tree size, audit path).
    pub fn raw(&self) -> &sys::vnfo_log_proof {
        &self.0
    }

    /// Check the proof for `record` (its encoded bytes): the header's
    /// signature under `key`, the tree size and the audit path.
    pub fn check(&self, key: &PublicKey, record: &[u8]) -> Result<()> {
        call(|| unsafe { sys::vnfo_log_proof_check(&*self.0, &key.0, record.as_ptr(), record.len()) })
    }
}

impl std::fmt::Debug for Proof {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Proof(leaf {} of {})", self.0.leaf_index, self.0.tree_size)
    }
}
