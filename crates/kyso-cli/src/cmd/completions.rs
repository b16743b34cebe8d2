//! `kyso completions SHELL`: a completion script generated from the command line's own
//! definition (clap_complete), so it always offers the flags this binary has.

use anyhow::Result;
use clap::Args as ClapArgs;
use clap_complete::Shell;

use crate::exit;
use crate::output;

/// Arguments of `kyso completions`.
#[derive(ClapArgs, Debug)]
pub struct Args {
    /// The shell to write the script for.
    #[arg(value_enum, value_name = "SHELL")]
    shell: Shell,
}

pub fn run(a: Args, mut cli: clap::Command) -> Result<u8> {
    // Generated into memory first: clap_complete panics on a write error, and a closed pipe
    // must end kyso quietly like any other output.
    let mut script = Vec::new();
    clap_complete::generate(a.shell, &mut cli, "kyso", &mut script);
    let mut out = output::Stdout::new();
    out.write(&script);
    out.flush();
    Ok(exit::OK)
}
