//! One module per subcommand, each with its clap `Args` and a `run`.
pub mod chain;
pub mod completions;
pub mod dossier;
pub mod extend;
pub mod extract;
pub mod inspect;
pub mod man;
pub mod report;
pub mod serve;
pub mod sign;
pub mod token;
pub mod trust;
pub mod verify;

/// Parse `--at`: an RFC 3339 time, or a plain date meaning the start of that day in the
/// user's time zone.
pub fn parse_time(s: &str) -> Result<kyso::Timestamp, String> {
    crate::display::parse_at(s)
}
