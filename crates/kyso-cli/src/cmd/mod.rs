//! One module per subcommand, each with its clap `Args` and a `run`.
pub mod chain;
pub mod completions;
pub mod inspect;
pub mod man;
pub mod sign;
pub mod token;
pub mod verify;

/// Parse `--at`.
pub fn parse_time(s: &str) -> Result<kyso::Timestamp, String> {
    kyso::Timestamp::parse_rfc3339(s)
}
