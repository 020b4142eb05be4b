// The build allocates millions of small strings and maps (contexts, views, postings);
// mimalloc makes that markedly cheaper than glibc's allocator (see the commit message).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
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
    broadsheet::cli::main()
}
