// The build allocates millions of small strings and maps (contexts, views, postings);
// mimalloc makes that markedly cheaper than glibc's allocator (see the commit message).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    broadsheet::cli::main()
}
