use std::io::Write;
use std::process::ExitCode;

// The build allocates millions of small strings and maps (contexts, views, postings);
// mimalloc makes that markedly cheaper than glibc's allocator (see the commit message).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay`. Option numbers are part of mimalloc's stable
/// interface (mimalloc.h keeps retired numbers rather than reusing them), and
/// libmimalloc-sys names only some of them.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> ExitCode {
    // Memory the build frees is kept for reuse for a minute, longer than a build of
    // 100,000 articles takes, rather than a second. Each page the kernel hands a process
    // costs a fault and zeroing, dear on a virtual machine; mimalloc gave freed memory
    // back after a second and then faulted it in again. `serve` still gets memory back
    // a minute after a rebuild. A delay set in the environment (`MIMALLOC_PURGE_DELAY`)
    // goes first.
    // SAFETY: mi_option_set_default stores an integer in mimalloc's option table unless
    // the environment set it; mimalloc reads it each time it considers giving memory back.
    unsafe { libmimalloc_sys::mi_option_set_default(MI_OPTION_PURGE_DELAY, 60_000) };
    // mimalloc asks for transparent huge pages, and then each reuse of memory it gave
    // back costs the kernel zeroing 2 MiB: a third of the system time of a 100,000-article
    // build (4-8 % of its wall time). Small pages it is.
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_THP_DISABLE reads integer arguments only (passed as the
    // unsigned longs the kernel expects) and changes only the page-size policy of this
    // process and of any it starts (broadsheet starts none). Best effort: an older kernel
    // refuses it, and nothing else changes.
    unsafe {
        let (on, unused) = (1 as libc::c_ulong, 0 as libc::c_ulong);
        libc::prctl(libc::PR_SET_THP_DISABLE, on, unused, unused, unused);
    }
    let code = broadsheet::cli::main();
    fast_exit(code)
}

/// Ends the process without the exit handlers when the outcome is plain success or
/// failure. At exit, mimalloc's handler gives every page it holds back to the system,
/// one call per span: after a 100,000-article rebuild, some 1,600 calls and a tenth of
/// a second that the system's own teardown of the process makes pointless. Everything
/// the program wrote is flushed first; nothing else waits for the handlers.
fn fast_exit(code: ExitCode) -> ExitCode {
    let status = match code {
        c if c == ExitCode::SUCCESS => 0,
        c if c == ExitCode::FAILURE => 1,
        other => return other,
    };
    let flushed = std::io::stdout().flush().is_ok() && std::io::stderr().flush().is_ok();
    if !flushed {
        // Let the normal exit report nothing more, but not lose a failure to write.
        return code;
    }
    // SAFETY: _exit ends the process at once; no Rust code runs after it, so no invariant
    // can be observed broken. Output was flushed above.
    unsafe { libc::_exit(status) }
}
