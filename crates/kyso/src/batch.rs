//! Many inputs verified or signed in parallel, with results delivered in input order.
//!
//! [`Batch::run`] is the engine the `kyso` command line uses for `kyso verify DIR` and
//! `kyso sign FILE...`, and what a program that links the crate uses instead of writing its
//! own thread pool:
//!
//! * **Worker threads** ([`Batch::workers`], default: the available parallelism) each own a
//!   context made once by the caller's `init` closure, for example a [`VerifyContext`] whose
//!   buffers and digest contexts are reused from one file to the next.
//! * **Chunked work claims**: a worker claims the next few inputs with one atomic increment,
//!   not one channel message per file.
//! * **Rendering on the workers**: the `job` closure returns whatever the caller wants to keep
//!   of an input, typically the report already rendered to bytes. The calling thread only
//!   receives those results, in input order, and writes them out.
//! * **Bounded memory**: at most [`Batch::window`] inputs past the oldest undelivered one are in
//!   flight or waiting in the engine (plus those being handed to `deliver`), however many
//!   inputs there are. A slow input holds the others back instead of letting finished results
//!   pile up.
//! * **Cancellation**: a [`CancelToken`] (for example set from a Ctrl-C handler) makes the
//!   workers stop claiming inputs. Inputs already being processed finish; everything that
//!   finished is delivered, in order, and [`BatchOutcome`] says how many were not done.
//!
//! ```
//! use kyso::batch::{Batch, CancelToken};
//!
//! let inputs: Vec<u32> = (0..1000).collect();
//! let cancel = CancelToken::new();
//! let mut delivered = Vec::new();
//! let outcome = Batch::new()
//!     .workers(2)
//!     .cancel_token(cancel.clone())
//!     .run(
//!         &inputs,
//!         || String::new(),                         // per-worker context: a reused buffer
//!         |buf, index, n| {                         // runs on a worker
//!             buf.clear();
//!             buf.push_str(&format!("{index}: {}\n", n * 2));
//!             buf.clone()                           // rendered output for this input
//!         },
//!         |done| delivered.push(done),              // runs on this thread, in input order
//!     );
//! assert_eq!(outcome.done, 1000);
//! assert!(!outcome.cancelled);
//! assert!(delivered.iter().enumerate().all(|(i, d)| d.index == i));
//! assert_eq!(delivered[7].output, "7: 14\n");
//! ```
//!
//! For signature files there is [`verify_files`], which runs a [`crate::Verifier`] with one
//! [`VerifyContext`] per worker. Which files a signing batch over folders signs (`kyso sign
//! -r DIR`) is decided by [`select_files_to_sign`].

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::encoding::time::Timestamp;
use crate::error::Error;
use crate::report::DocumentReport;
use crate::verifier::{Verifier, VerifyContext};

mod select;
pub use select::{
    select_files_to_sign, DuplicateFile, FileSkip, SelectOptions, SignSelection, SkippedFile,
    TEMP_FILE_MARKER,
};

/// One machine's share of a batch spread over several (`kyso verify --shard K/N`): the inputs
/// whose position in the run's input list is K-1 modulo N, so N shards given the same inputs
/// cover each input exactly once, and sizes differ by one at most. The list is the one a run
/// builds (named files in order, folders walked in sorted order), so every machine must be
/// given the same arguments over the same files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    k: usize,
    n: usize,
}

impl Shard {
    /// Shard `k` of `n`, counting from 1 (`1/4` .. `4/4`).
    pub fn new(k: usize, n: usize) -> Result<Shard, String> {
        if n == 0 || k == 0 || k > n {
            return Err(format!(
                "shard {k}/{n}: K counts from 1 to N (e.g. 1/4 .. 4/4)"
            ));
        }
        Ok(Shard { k, n })
    }

    /// Parse `K/N`.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("'{s}' is not K/N (e.g. 2/4: the second of four shards)");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k = k.trim().parse().map_err(|_| bad())?;
        let n = n.trim().parse().map_err(|_| bad())?;
        Shard::new(k, n)
    }

    /// Whether the input at `index` (from 0) of the run's list belongs to this shard.
    pub fn includes(self, index: usize) -> bool {
        index % self.n == self.k - 1
    }
}

/// How often a waiting thread looks at the cancel token: a signal handler can only set a flag,
/// it cannot wake a condition variable, so waits are bounded by this.
const CANCEL_POLL: Duration = Duration::from_millis(20);

/// A worker holding finished results longer than this hands them over before its chunk ends,
/// so a chunk of slow inputs still shows its results as they finish.
const HAND_OVER: Duration = Duration::from_millis(5);

/// Inputs claimed at once by a worker, at most. Small enough that a batch of a few large files
/// still spreads over the workers, large enough that claims cost nothing beside a verification
/// (a claim is one atomic increment; a 1 KiB RSA-2048 verification is about 100 µs).
const MAX_CHUNK: usize = 16;

/// A flag that asks a running batch to stop. Cheap to clone; every clone is the same flag.
///
/// Setting it is async-signal-safe (one atomic store), so [`CancelToken::flag`] can be handed to
/// a signal handler such as `signal_hook::flag::register`.
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// A token over an existing flag (for example one a signal handler sets).
    pub fn from_flag(flag: Arc<AtomicBool>) -> Self {
        CancelToken(flag)
    }

    /// The underlying flag, for code that sets it directly (signal handlers).
    pub fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.0)
    }

    /// Ask the batch to stop: workers claim no further inputs.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// Whether [`CancelToken::cancel`] was called (or the flag was set).
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Cancels its token when dropped during a panic.
struct CancelOnPanic<'a>(&'a CancelToken);

impl Drop for CancelOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.cancel();
        }
    }
}

/// The result of one input, delivered in input order.
#[derive(Debug)]
#[non_exhaustive]
pub struct Done<R> {
    /// The input's index in the slice given to [`Batch::run`].
    pub index: usize,
    /// What the job returned for it.
    pub output: R,
}

/// How a batch ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BatchOutcome {
    /// Inputs whose result was delivered.
    pub done: usize,
    /// Inputs that were not processed because the batch was cancelled.
    pub not_done: usize,
    /// Whether the cancel token was set before every input was done.
    pub cancelled: bool,
}

/// Settings of a batch run; see the [module documentation](self).
#[derive(Debug, Clone, Default)]
pub struct Batch {
    workers: Option<usize>,
    chunk: Option<usize>,
    window: Option<usize>,
    cancel: CancelToken,
}

impl Batch {
    /// A batch with one worker per available CPU, automatic chunk size and window, and a
    /// cancel token of its own.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of worker threads (at least 1; never more than there are inputs).
    pub fn workers(mut self, n: usize) -> Self {
        self.workers = Some(n.max(1));
        self
    }

    /// Inputs claimed at once by a worker (default: between 1 and 16, so that every worker
    /// gets several chunks).
    pub fn chunk_size(mut self, n: usize) -> Self {
        self.chunk = Some(n.max(1));
        self
    }

    /// Inputs that may be claimed past the oldest one not yet delivered: the bound on results
    /// held in memory (default: 64 per worker, and at least two chunks per worker).
    pub fn window(mut self, n: usize) -> Self {
        self.window = Some(n.max(1));
        self
    }

    /// Use this token to cancel the batch (see [`CancelToken`]).
    pub fn cancel_token(mut self, token: CancelToken) -> Self {
        self.cancel = token;
        self
    }

    /// The token that cancels this batch.
    pub fn token(&self) -> CancelToken {
        self.cancel.clone()
    }

    /// Run `job` over every input on the worker threads and pass the results to `deliver` on
    /// the calling thread, in input order, as soon as each one and all before it are done.
    ///
    /// `init` makes one context per worker, passed to each `job` call of that worker. After a
    /// cancellation the inputs that did finish are still delivered in order (with gaps where
    /// inputs were not done). A panic in `job` is propagated once the other workers stop.
    pub fn run<I, C, R>(
        &self,
        inputs: &[I],
        init: impl Fn() -> C + Sync,
        job: impl Fn(&mut C, usize, &I) -> R + Sync,
        mut deliver: impl FnMut(Done<R>),
    ) -> BatchOutcome
    where
        I: Sync,
        R: Send,
    {
        let n = inputs.len();
        let workers = self
            .workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .min(n)
            .max(1);
        let chunk = self
            .chunk
            .unwrap_or_else(|| (n / (workers * 8)).clamp(1, MAX_CHUNK));
        let window = self.window.unwrap_or(64 * workers).max(2 * chunk * workers);
        let shared = Shared {
            next: AtomicUsize::new(0),
            state: Mutex::new(State {
                base: 0,
                slots: VecDeque::with_capacity(window),
                live: workers,
            }),
            ready: Condvar::new(),
            space: Condvar::new(),
            cancel: &self.cancel,
            window,
        };
        let mut done = 0usize;
        std::thread::scope(|s| {
            for _ in 0..workers {
                s.spawn(|| shared.work(inputs, chunk, &init, &job));
            }
            // A panic in `deliver` cancels the batch, so that workers waiting for room in the
            // window stop and the scope can end (and re-raise it) instead of hanging.
            let _cancel_on_panic = CancelOnPanic(&self.cancel);
            done = shared.deliver_in_order(n, &mut deliver);
        });
        BatchOutcome {
            done,
            not_done: n - done,
            cancelled: done < n,
        }
    }
}

/// Verify signature files in parallel with one [`VerifyContext`] per worker; `render` runs on
/// the workers and turns each input's result into what `deliver` receives, in input order.
///
/// `content` is the detached content for every file (usually `None`: `X.p7s` signs `X`).
pub fn verify_files<R: Send>(
    batch: &Batch,
    verifier: &Verifier,
    files: &[PathBuf],
    content: Option<&Path>,
    at: Timestamp,
    render: impl Fn(&Path, Result<DocumentReport, Error>) -> R + Sync,
    deliver: impl FnMut(Done<R>),
) -> BatchOutcome {
    batch.run(
        files,
        VerifyContext::new,
        |ctx, _, f| render(f, verifier.verify_file_in(ctx, f, content, at)),
        deliver,
    )
}

struct State<R> {
    /// Index of the oldest input not yet delivered; `slots[0]` belongs to it.
    base: usize,
    slots: VecDeque<Option<R>>,
    /// Workers still running (a panicking worker counts itself out too).
    live: usize,
}

struct Shared<'a, R> {
    next: AtomicUsize,
    state: Mutex<State<R>>,
    /// Signalled when the oldest undelivered result arrives or a worker ends.
    ready: Condvar,
    /// Signalled when results were delivered, so claims further ahead are allowed.
    space: Condvar,
    cancel: &'a CancelToken,
    window: usize,
}

impl<R> Shared<'_, R> {
    fn lock(&self) -> MutexGuard<'_, State<R>> {
        // A poisoned lock means a worker panicked while holding it; the data (delivered
        // results) is still consistent, and the panic is re-raised when the scope ends.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn work<I, C>(
        &self,
        inputs: &[I],
        chunk: usize,
        init: &impl Fn() -> C,
        job: &impl Fn(&mut C, usize, &I) -> R,
    ) {
        // Counts this worker out even when `job` panics, so the delivering thread stops waiting.
        struct Leaving<'s, 'a, R>(&'s Shared<'a, R>);
        impl<R> Drop for Leaving<'_, '_, R> {
            fn drop(&mut self) {
                self.0.lock().live -= 1;
                self.0.ready.notify_all();
            }
        }
        let _leaving = Leaving(self);
        let mut ctx = init();
        loop {
            if self.cancel.is_cancelled() {
                return;
            }
            let start = self.next.fetch_add(chunk, Ordering::Relaxed);
            if start >= inputs.len() {
                return;
            }
            let end = (start + chunk).min(inputs.len());
            // Wait until the whole chunk fits in the window. The chunk holding the oldest
            // undelivered input always fits, so this cannot deadlock.
            {
                let mut st = self.lock();
                while end > st.base + self.window {
                    if self.cancel.is_cancelled() {
                        return;
                    }
                    st = self
                        .space
                        .wait_timeout(st, CANCEL_POLL)
                        .unwrap_or_else(|p| p.into_inner())
                        .0;
                }
            }
            // Results are handed over once per chunk (one lock, one wake-up), or sooner when
            // an input is slow, so that results still appear as they finish.
            let mut held: Vec<(usize, R)> = Vec::with_capacity(end - start);
            let mut since = Instant::now();
            for (i, input) in inputs.iter().enumerate().take(end).skip(start) {
                if self.cancel.is_cancelled() {
                    break;
                }
                if held.is_empty() {
                    since = Instant::now();
                }
                held.push((i, job(&mut ctx, i, input)));
                if since.elapsed() >= HAND_OVER {
                    self.hand_over(&mut held);
                }
            }
            self.hand_over(&mut held);
        }
    }

    /// Put finished results in their slots; wake the delivering thread if the oldest is there.
    fn hand_over(&self, held: &mut Vec<(usize, R)>) {
        if held.is_empty() {
            return;
        }
        let mut st = self.lock();
        let mut oldest = false;
        for (i, r) in held.drain(..) {
            let at = i - st.base;
            while st.slots.len() <= at {
                st.slots.push_back(None);
            }
            st.slots[at] = Some(r);
            oldest |= at == 0;
        }
        if oldest {
            self.ready.notify_one();
        }
    }

    /// On the calling thread: hand results to `deliver` in input order; returns how many.
    fn deliver_in_order(&self, n: usize, deliver: &mut impl FnMut(Done<R>)) -> usize {
        let mut delivered = 0usize;
        let mut ready = Vec::new();
        loop {
            let finished;
            {
                let mut st = self.lock();
                loop {
                    while let Some(Some(_)) = st.slots.front() {
                        if let Some(Some(r)) = st.slots.pop_front() {
                            ready.push((st.base, r));
                        }
                        st.base += 1;
                    }
                    if !ready.is_empty() || st.live == 0 || st.base >= n {
                        break;
                    }
                    st = self
                        .ready
                        .wait_timeout(st, CANCEL_POLL)
                        .unwrap_or_else(|p| p.into_inner())
                        .0;
                }
                finished = ready.is_empty() && (st.live == 0 || st.base >= n);
                if finished {
                    // Cancelled (or a worker panicked): what finished after a gap, in order.
                    let base = st.base;
                    for (k, slot) in std::mem::take(&mut st.slots).into_iter().enumerate() {
                        if let Some(r) = slot {
                            ready.push((base + k, r));
                        }
                    }
                }
            }
            self.space.notify_all();
            for (index, output) in ready.drain(..) {
                delivered += 1;
                deliver(Done { index, output });
            }
            if finished {
                return delivered;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn shards_cover_every_input_once() {
        for n in 1..6 {
            let shards: Vec<Shard> = (1..=n).map(|k| Shard::new(k, n).unwrap()).collect();
            for i in 0..50 {
                assert_eq!(shards.iter().filter(|s| s.includes(i)).count(), 1);
            }
        }
        assert_eq!(Shard::parse(" 2 / 4").unwrap(), Shard::new(2, 4).unwrap());
        for bad in ["0/4", "5/4", "1/0", "2", "a/b", "-1/2"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn results_arrive_in_input_order_with_their_index() {
        let inputs: Vec<usize> = (0..5000).collect();
        for workers in [1, 2, 7] {
            let mut seen = Vec::new();
            let out = Batch::new().workers(workers).window(8).run(
                &inputs,
                || 0usize,
                |calls, i, x| {
                    *calls += 1;
                    // Uneven work, so workers finish out of order.
                    if x % 97 == 0 {
                        std::thread::sleep(Duration::from_micros(200));
                    }
                    (i, x * 3)
                },
                |d| seen.push(d),
            );
            assert_eq!(out.done, 5000);
            assert_eq!(out.not_done, 0);
            assert!(!out.cancelled);
            for (k, d) in seen.iter().enumerate() {
                assert_eq!(d.index, k);
                assert_eq!(d.output, (k, k * 3));
            }
        }
    }

    #[test]
    fn memory_is_bounded_by_the_window() {
        // The first input is slow: the others may run ahead by at most the window.
        let inputs: Vec<usize> = (0..2000).collect();
        let started = AtomicUsize::new(0);
        let max_ahead = AtomicUsize::new(0);
        let delivered = AtomicUsize::new(0);
        Batch::new().workers(4).chunk_size(2).window(32).run(
            &inputs,
            || (),
            |_, i, _| {
                started.fetch_add(1, Ordering::SeqCst);
                if i == 0 {
                    std::thread::sleep(Duration::from_millis(50));
                }
                let ahead = i.saturating_sub(delivered.load(Ordering::SeqCst));
                max_ahead.fetch_max(ahead, Ordering::SeqCst);
            },
            |_| {
                delivered.fetch_add(1, Ordering::SeqCst);
            },
        );
        assert_eq!(started.load(Ordering::SeqCst), 2000);
        // The window, plus the results being handed to `deliver` at that moment (at most a
        // window's worth: they left the window when they were taken for delivery).
        let ahead = max_ahead.load(Ordering::SeqCst);
        assert!(ahead <= 2 * 32, "{ahead}");
    }

    #[test]
    fn cancelling_stops_claims_and_delivers_what_finished() {
        let inputs: Vec<usize> = (0..100_000).collect();
        let token = CancelToken::new();
        let mut seen = Vec::new();
        let out = Batch::new().workers(2).cancel_token(token.clone()).run(
            &inputs,
            || (),
            |_, i, _| {
                if i == 500 {
                    token.cancel();
                }
                i
            },
            |d| seen.push(d.index),
        );
        assert!(out.cancelled);
        // Index 500 itself finished; the other worker may have stopped short of its chunk.
        assert!(out.done > 0 && out.done < 100_000, "{out:?}");
        assert!(seen.contains(&500));
        assert_eq!(out.done + out.not_done, 100_000);
        assert_eq!(seen.len(), out.done);
        assert!(seen.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn a_panicking_job_is_propagated_not_deadlocked() {
        let inputs: Vec<usize> = (0..100).collect();
        let r = std::panic::catch_unwind(|| {
            Batch::new()
                .workers(2)
                .run(&inputs, || (), |_, i, _| assert!(i != 40, "boom"), |_| {})
        });
        assert!(r.is_err());
    }

    /// A panic in `deliver` while the workers wait for room in the window (small window,
    /// many inputs) is re-raised; it used to leave them waiting forever.
    #[test]
    fn a_panicking_delivery_is_propagated_not_deadlocked() {
        let inputs: Vec<usize> = (0..10_000).collect();
        let r = std::panic::catch_unwind(|| {
            Batch::new().workers(2).chunk_size(1).window(2).run(
                &inputs,
                || (),
                |_, i, _| i,
                |d| assert!(d.output != 3, "boom"),
            )
        });
        assert!(r.is_err());
    }

    #[test]
    fn an_empty_batch_is_done_at_once() {
        let out = Batch::new().run(&Vec::<u8>::new(), || (), |_, _, _| (), |_| {});
        assert_eq!(
            out,
            BatchOutcome {
                done: 0,
                not_done: 0,
                cancelled: false
            }
        );
    }
}
