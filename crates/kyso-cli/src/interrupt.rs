//! Ctrl-C, SIGTERM and SIGHUP during a batch: the first signal cancels the batch (workers stop
//! claiming files, finished results are reported, the summary says the run was interrupted,
//! exit status 128 + the signal number: 130 for Ctrl-C); a second one removes the temporary
//! files being written and exits at once. Outside a batch (a PIN prompt, say) a signal exits at
//! once as usual.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Mutex, OnceLock};

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

/// Set while a batch runs, so that the first signal cancels it instead of exiting.
static ARMED: AtomicBool = AtomicBool::new(false);
/// The first signal received while armed (0: none).
static RECEIVED: AtomicI32 = AtomicI32::new(0);
/// The cancel token of the running batch.
static TOKEN: OnceLock<kyso::batch::CancelToken> = OnceLock::new();
/// Temporary files being written right now; removed before a forced exit.
static TEMP_FILES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// A batch's interruption handling, active while this value lives.
pub struct Armed {
    token: kyso::batch::CancelToken,
}

/// Install the handler (once per process) and arm it for a batch.
pub fn arm() -> Armed {
    let token = TOKEN.get_or_init(|| {
        match signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) {
            Ok(mut signals) => {
                std::thread::spawn(move || {
                    for sig in signals.forever() {
                        on_signal(sig);
                    }
                });
            }
            // Without a handler signals keep their default action (exit at once); the batch
            // still works.
            Err(e) => eprintln!(
                "kyso: {} {}",
                crate::tr!("warning"),
                crate::tr!("cannot_handle_ctrl_c", error = e)
            ),
        }
        kyso::batch::CancelToken::new()
    });
    ARMED.store(true, Ordering::SeqCst);
    Armed {
        token: token.clone(),
    }
}

fn on_signal(sig: i32) {
    let first = RECEIVED
        .compare_exchange(0, sig, Ordering::SeqCst, Ordering::SeqCst)
        .is_ok();
    if first && ARMED.load(Ordering::SeqCst) {
        if let Some(t) = TOKEN.get() {
            t.cancel();
        }
        return;
    }
    remove_temp_files();
    std::process::exit(128 + sig);
}

impl Armed {
    /// The token to give the batch.
    pub fn token(&self) -> kyso::batch::CancelToken {
        self.token.clone()
    }

    /// The signal that interrupted the batch, if one did.
    pub fn signal(&self) -> Option<i32> {
        match RECEIVED.load(Ordering::SeqCst) {
            0 => None,
            s => Some(s),
        }
    }

    /// The exit status for an interrupted run: 128 + the signal number (130 for Ctrl-C).
    pub fn exit_code(&self) -> Option<u8> {
        self.signal().and_then(|s| u8::try_from(128 + s).ok())
    }
}

impl Drop for Armed {
    fn drop(&mut self) {
        ARMED.store(false, Ordering::SeqCst);
    }
}

/// Remember a temporary file while it is written (see [`crate::output::write_atomic`]).
pub fn temp_file_created(p: &std::path::Path) {
    if let Ok(mut v) = TEMP_FILES.lock() {
        v.push(p.to_path_buf());
    }
}

/// The temporary file was renamed into place or removed.
pub fn temp_file_gone(p: &std::path::Path) {
    if let Ok(mut v) = TEMP_FILES.lock() {
        if let Some(i) = v.iter().position(|x| x == p) {
            v.swap_remove(i);
        }
    }
}

fn remove_temp_files() {
    // A worker may hold the lock; do not wait for it while the user waits for the exit.
    if let Ok(v) = TEMP_FILES.try_lock() {
        for p in v.iter() {
            let _ = std::fs::remove_file(p);
        }
    }
}
