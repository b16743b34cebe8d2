//! The progress bar of long batches (`kyso verify DIR`, `kyso sign FILE...`; issue 12).
//!
//! A bar is drawn on stderr only for a person watching: stderr is a terminal, the output is
//! text (JSON and JUnit are read by programs, which a bar on the same terminal would only
//! disturb), and there is more than one input. It shows up once the batch has run for
//! [`SHOW_AFTER`], so a batch that is over in a blink does not flash one. Every line printed
//! while it runs goes through [`Progress::suspend`], which clears the bar, prints, and redraws
//! it below. Without a bar, nothing of it is written: no `\r`, no escape sequence.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A batch of fewer inputs than this shows no bar: one file needs none.
pub const MIN_ITEMS: usize = 2;

/// How long a batch runs before its bar appears. Half a second: long enough that batches
/// finishing at once (a few files in memory) show nothing, short enough that a token signing
/// one file at a time (about a third of a second each) shows the bar from the second file.
pub const SHOW_AFTER: Duration = Duration::from_millis(500);

/// Whether a batch gets a progress bar: a person at a terminal (`stderr_is_terminal`), text
/// output (not `machine_output`: JSON, JUnit) and at least [`MIN_ITEMS`] inputs.
pub fn wanted(stderr_is_terminal: bool, machine_output: bool, items: usize) -> bool {
    stderr_is_terminal && !machine_output && items >= MIN_ITEMS
}

/// The bar of one batch, or nothing when [`wanted`] said no.
pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    shown: bool,
}

impl Progress {
    /// A bar over `items` inputs, labelled `what` ("verifying", "đang ký"), when `enabled`.
    pub fn new(enabled: bool, items: usize, what: &str) -> Self {
        let bar = enabled.then(|| {
            // Hidden until SHOW_AFTER has passed (see `done`).
            let bar =
                ProgressBar::with_draw_target(Some(items as u64), ProgressDrawTarget::hidden());
            if let Ok(style) =
                ProgressStyle::with_template("kyso: {msg} [{wide_bar}] {pos}/{len} ({eta})")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(what.to_string());
            bar
        });
        Progress {
            bar,
            started: Instant::now(),
            shown: false,
        }
    }

    /// One more input is done.
    pub fn done(&mut self) {
        let Some(bar) = &self.bar else { return };
        bar.inc(1);
        if !self.shown && self.started.elapsed() >= SHOW_AFTER {
            self.shown = true;
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    /// Run `f` (which prints) with the bar cleared, then redraw it.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        match &self.bar {
            Some(bar) if self.shown => bar.suspend(f),
            _ => f(),
        }
    }

    /// Print `text` (whole lines) on stderr, above the bar.
    pub fn eprint(&self, text: &str) {
        if text.is_empty() {
            return;
        }
        self.suspend(|| {
            let mut err = std::io::stderr().lock();
            let _ = std::io::Write::write_all(&mut err, text.as_bytes());
        });
    }

    /// Remove the bar (before the summary lines).
    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_only_for_a_person_at_a_terminal_watching_a_text_batch() {
        // (stderr is a terminal, JSON/JUnit output, inputs) -> bar
        assert!(wanted(true, false, 2));
        assert!(wanted(true, false, 10_000));
        assert!(!wanted(true, false, 1), "one file needs no bar");
        assert!(!wanted(true, false, 0));
        assert!(!wanted(false, false, 10_000), "piped or redirected stderr");
        assert!(!wanted(true, true, 10_000), "JSON or JUnit output");
        assert!(!wanted(false, true, 10_000));
    }

    #[test]
    fn a_disabled_bar_prints_lines_and_draws_nothing() {
        let mut p = Progress::new(false, 3, "verifying");
        assert!(p.bar.is_none());
        p.done();
        assert!(!p.shown);
        assert_eq!(p.suspend(|| 7), 7, "suspend still runs its closure");
        p.finish();
    }

    #[test]
    fn an_enabled_bar_appears_only_after_the_delay() {
        let mut p = Progress::new(true, 3, "verifying");
        p.done();
        assert!(!p.shown, "not drawn before {SHOW_AFTER:?}");
        p.started = p.started.checked_sub(SHOW_AFTER).unwrap();
        p.done();
        assert!(p.shown);
        assert_eq!(p.bar.as_ref().map(|b| b.position()), Some(2));
        assert_eq!(p.suspend(|| "printed"), "printed");
        p.finish();
    }
}
