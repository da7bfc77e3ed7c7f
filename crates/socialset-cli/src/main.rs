//! The `socialset` binary: the allocator, then `socialset_cli::run` (src/lib.rs).

use std::process::ExitCode;

/// See Cargo.toml: freed memory goes back to the system, whichever thread freed it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    socialset_cli::run()
}
