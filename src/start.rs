//! glibc's start-up for the static build, without its probe of the CPU (issue 8).
//!
//! Compiled only by `scripts/build-static.sh` (`--cfg cnictl_glibc_start`), and only against
//! the glibc it was written and checked for (2.36, Debian 12); every other build keeps glibc's
//! own `__libc_start_main`.
//!
//! Why: before `main`, a static glibc program identifies the CPU and its caches with 43 `cpuid`
//! instructions (vendor, feature leaves, then two per cache property it asks about). In a
//! virtual machine each `cpuid` exits to the hypervisor: 3.6 to 5.5 µs apiece on the KVM guest
//! the benchmark ran on, ~0.2 ms of every process start, more than an `add`'s own work. glibc
//! uses the answers to choose among its string and memory routines (AVX2, EVEX, ...) and to
//! size the thresholds of large copies. cnictl copies a few kilobytes at a time, where the
//! baseline x86-64 routines (SSE2) do as well, so this start-up leaves the probe out: the
//! feature table stays empty, each routine resolves to its baseline version, and the copy
//! thresholds keep glibc's defaults for a CPU it knows nothing about.
//!
//! The rest is a static glibc program's start-up in glibc's order, calling glibc's own
//! functions: the auxiliary vector, tunables, the IRELATIVE relocations (glibc's resolvers,
//! reading the empty table), thread-local storage, the stack-protector canary and pointer guard
//! from the kernel's random bytes, early libc and pthread set-up, the constructors, then
//! `exit(main(...))`. Defining `__libc_start_main` and the threshold variables here keeps the
//! linker from taking glibc's `libc-start.o`, the object that defines exactly these.
//! It assumes what `scripts/static-flags.sh` builds: static, not position-independent (nothing
//! here may need a relocation before `_dl_relocate_static_pie`). CI runs the whole integration
//! suite against that binary (`.ci/run`).

use std::ffi::{c_char, c_int, c_long, c_void};

type Main = unsafe extern "C" fn(c_int, *mut *mut c_char, *mut *mut c_char) -> c_int;
type Ctor = unsafe extern "C" fn(c_int, *mut *mut c_char, *mut *mut c_char);
type Dtor = unsafe extern "C" fn();

/// An ELF64 relocation with addend (`Elf64_Rela`).
#[repr(C)]
struct Rela {
    offset: u64,
    info: u64,
    addend: u64,
}

/// `R_X86_64_IRELATIVE`: the one kind of relocation a static non-PIE program keeps.
const R_X86_64_IRELATIVE: u64 = 37;

// The thresholds glibc's memory and string routines read, defined (and filled from the probe)
// in the object this module replaces. These are the values glibc keeps when the probe learns
// nothing: a 32 KiB data cache, a 1 MiB shared one, non-temporal stores from 3/4 of that.
#[no_mangle]
static mut __x86_data_cache_size_half: c_long = 32 * 1024 / 2;
#[no_mangle]
static mut __x86_data_cache_size: c_long = 32 * 1024;
#[no_mangle]
static mut __x86_shared_cache_size_half: c_long = 1024 * 1024 / 2;
#[no_mangle]
static mut __x86_shared_cache_size: c_long = 1024 * 1024;
#[no_mangle]
static mut __x86_shared_non_temporal_threshold: c_long = 1024 * 1024 * 3 / 4;
#[no_mangle]
static mut __x86_rep_movsb_threshold: c_long = 2048;
#[no_mangle]
static mut __x86_rep_stosb_threshold: c_long = 2048;
#[no_mangle]
static mut __x86_rep_movsb_stop_threshold: c_long = 1024 * 1024 * 3 / 4;
#[no_mangle]
static mut __x86_string_control: c_int = 0;

extern "C" {
    static mut __environ: *mut *mut c_char;
    static mut __libc_stack_end: *mut c_void;
    static _dl_random: *const u8;
    static __libc_enable_secure: c_int;
    static __rela_iplt_start: [Rela; 0];
    static __rela_iplt_end: [Rela; 0];
    static __preinit_array_start: [Ctor; 0];
    static __preinit_array_end: [Ctor; 0];
    static __init_array_start: [Ctor; 0];
    static __init_array_end: [Ctor; 0];
    static __fini_array_start: [Dtor; 0];
    static __fini_array_end: [Dtor; 0];
    fn _dl_aux_init(auxv: *mut u64);
    fn __tunables_init(env: *mut *mut c_char);
    fn _dl_relocate_static_pie();
    fn __libc_setup_tls();
    fn __libc_early_init(initial: bool);
    fn __libc_init_first(argc: c_int, argv: *mut *mut c_char, env: *mut *mut c_char);
    fn __libc_check_standard_fds();
    fn __cxa_atexit(
        f: unsafe extern "C" fn(*mut c_void),
        arg: *mut c_void,
        dso: *mut c_void,
    ) -> c_int;
    fn _dl_debug_initialize(base: usize, ns: c_long) -> *mut c_void;
    fn _init();
    fn _fini();
    fn exit(code: c_int) -> !;
}

/// At `exit`: the program's destructors, last first, then `_fini`.
unsafe extern "C" fn call_fini(_: *mut c_void) {
    let start = std::ptr::addr_of!(__fini_array_start).cast::<Dtor>();
    let mut end = std::ptr::addr_of!(__fini_array_end).cast::<Dtor>();
    while end > start {
        end = end.sub(1);
        (*end)();
    }
    _fini();
}

/// Runs each constructor in `[start, end)` with the program's arguments.
unsafe fn run_ctors(start: *const Ctor, end: *const Ctor, argc: c_int, argv: *mut *mut c_char) {
    let mut c = start;
    while c < end {
        (*c)(argc, argv, __environ);
        c = c.add(1);
    }
}

/// Ends the process with 127 at once: a relocation this start-up cannot apply (a static
/// non-PIE program has none but IRELATIVE ones; glibc stops with a message instead, but no
/// message can be printed before its start-up).
fn die() -> ! {
    // SAFETY: exit_group takes no pointer and does not return.
    unsafe {
        std::arch::asm!("syscall", in("rax") 231, in("rdi") 127, options(noreturn, nostack));
    }
}

/// Called by `_start` (glibc's `crt1.o`) with `main` and the initial stack.
///
/// # Safety
/// Only `_start` calls it, once, before any other code ran. Until thread-local storage is set
/// up it touches nothing but plain memory and glibc's start-up functions: no `memcpy` or
/// `memset` (their addresses are among the relocations it applies), no thread-local.
#[no_mangle]
pub unsafe extern "C" fn __libc_start_main(
    main: Main,
    argc: c_int,
    argv: *mut *mut c_char,
    _init_unused: *const c_void,
    _fini_unused: *const c_void,
    rtld_fini: Option<unsafe extern "C" fn(*mut c_void)>,
    stack_end: *mut c_void,
) -> c_int {
    let env = argv.add(usize::try_from(argc).unwrap_or(0) + 1);
    __environ = env;
    __libc_stack_end = stack_end;
    let mut p = env;
    while !(*p).is_null() {
        p = p.add(1);
    }
    _dl_aux_init(p.add(1).cast::<u64>());
    __tunables_init(__environ);
    // (glibc's start-up probes the CPU here.)
    _dl_relocate_static_pie();
    let mut r = std::ptr::addr_of!(__rela_iplt_start).cast::<Rela>();
    let end = std::ptr::addr_of!(__rela_iplt_end).cast::<Rela>();
    while r < end {
        if (*r).info & 0xffff_ffff != R_X86_64_IRELATIVE {
            die();
        }
        let resolver: unsafe extern "C" fn() -> u64 = std::mem::transmute((*r).addend as usize);
        *((*r).offset as usize as *mut u64) = resolver();
        r = r.add(1);
    }
    __libc_setup_tls();
    // The stack protector's canary (its low byte zero, as glibc makes it) and the pointer
    // guard, from the 16 random bytes the kernel passed (AT_RANDOM), into the thread control
    // block, where glibc's code reads them.
    let random = _dl_random;
    let canary = std::ptr::read_unaligned(random.cast::<u64>()) & !0xff;
    let pointer_guard = std::ptr::read_unaligned(random.add(8).cast::<u64>());
    std::arch::asm!(
        "mov qword ptr fs:[0x28], {c}",
        "mov qword ptr fs:[0x30], {p}",
        c = in(reg) canary,
        p = in(reg) pointer_guard,
        options(nostack, preserves_flags),
    );
    if let Some(f) = rtld_fini {
        __cxa_atexit(f, std::ptr::null_mut(), std::ptr::null_mut());
    }
    __libc_early_init(true);
    __libc_init_first(argc, argv, __environ);
    __cxa_atexit(call_fini, std::ptr::null_mut(), std::ptr::null_mut());
    if __libc_enable_secure != 0 {
        __libc_check_standard_fds();
    }
    run_ctors(
        std::ptr::addr_of!(__preinit_array_start).cast::<Ctor>(),
        std::ptr::addr_of!(__preinit_array_end).cast::<Ctor>(),
        argc,
        argv,
    );
    _init();
    run_ctors(
        std::ptr::addr_of!(__init_array_start).cast::<Ctor>(),
        std::ptr::addr_of!(__init_array_end).cast::<Ctor>(),
        argc,
        argv,
    );
    _dl_debug_initialize(0, 0);
    exit(main(argc, argv, __environ))
}
