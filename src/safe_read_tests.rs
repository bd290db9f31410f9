use super::*;
use std::os::unix::fs::symlink;
use std::time::{Duration, Instant};

fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

#[test]
fn regular_files_and_symlinks_to_them_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a");
    fs::write(&f, b"{}").unwrap();
    let l = dir.path().join("b");
    symlink(&f, &l).unwrap();
    assert_eq!(read_file(&f).unwrap(), b"{}");
    assert_eq!(read_file(&l).unwrap(), b"{}");
    assert_eq!(read_file_nofollow(&f).unwrap(), b"{}");
    assert_eq!(read_named_input(&l).unwrap(), b"{}");
}

#[test]
fn a_symlink_is_not_followed_where_asked() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a");
    fs::write(&f, b"{}").unwrap();
    let l = dir.path().join("b");
    symlink(&f, &l).unwrap();
    let e = read_file_nofollow(&l).unwrap_err();
    assert!(
        matches!(&e, ReadError::NotRegular { kind: FileKind::Symlink, path } if *path == l),
        "{e:?}"
    );
}

#[test]
fn what_is_not_a_regular_file_is_not_opened_where_a_file_is_expected() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n);
    // A FIFO without a writer: opening it for reading would block, reading it too.
    mkfifo(&p("fifo"));
    let _sock = std::os::unix::net::UnixListener::bind(p("sock")).unwrap();
    symlink("/dev/zero", p("zero")).unwrap();
    let kind = |n: &str| match read_file(&p(n)) {
        Err(ReadError::NotRegular { kind, .. }) => kind,
        other => panic!("{n}: {other:?}"),
    };
    assert_eq!(kind("fifo"), FileKind::Fifo);
    assert_eq!(kind("sock"), FileKind::Socket);
    assert_eq!(kind("zero"), FileKind::CharDevice);
    assert_eq!(
        match read_file(dir.path()) {
            Err(ReadError::NotRegular { kind, .. }) => kind,
            other => panic!("{other:?}"),
        },
        FileKind::Directory
    );
    let e = read_file(&p("fifo")).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("{} is not a regular file (a FIFO)", p("fifo").display())
    );
    assert_eq!(e.reason(), "not a regular file (a FIFO)");
}

#[test]
fn a_missing_file_is_not_found() {
    let dir = tempfile::tempdir().unwrap();
    let e = read_file(&dir.path().join("nope")).unwrap_err();
    assert!(e.is_not_found(), "{e:?}");
    let e = read_file_nofollow(&dir.path().join("nope")).unwrap_err();
    assert!(e.is_not_found(), "{e:?}");
    assert!(e.to_string().starts_with("cannot read "), "{e}");
}

#[test]
fn a_file_over_the_cap_is_refused_by_its_size_without_reading() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("big");
    // Sparse: nothing of the 16 MiB is written to disk.
    File::create(&f)
        .unwrap()
        .set_len(MAX_INPUT_BYTES + 1)
        .unwrap();
    for read in [read_file, read_file_nofollow, read_named_input] {
        let e = read(&f).unwrap_err();
        assert!(
            matches!(&e, ReadError::TooLarge { size: Some(n), cap, input: Source::File(p) }
                if *n == MAX_INPUT_BYTES + 1 && *cap == MAX_INPUT_BYTES && *p == f),
            "{e:?}"
        );
        assert_eq!(
            e.to_string(),
            format!(
                "{} is 16777217 bytes, larger than the 16 MiB cnictl reads of one input",
                f.display()
            )
        );
    }
    File::create(&f).unwrap().set_len(MAX_INPUT_BYTES).unwrap();
    assert_eq!(read_file(&f).unwrap().len() as u64, MAX_INPUT_BYTES);
}

#[test]
fn a_stream_over_the_cap_ends_with_the_cap_error() {
    // An endless reader: only the cap and one byte may be read.
    let e = read_capped(io::repeat(b'x'), Source::Stdin, None, 1000).unwrap_err();
    assert!(
        matches!(
            e,
            ReadError::TooLarge {
                input: Source::Stdin,
                size: None,
                cap: 1000
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "stdin is larger than the 1000 bytes cnictl reads of one input"
    );
    let exact = read_capped(&[b'x'; 1000][..], Source::Stdin, None, 1000).unwrap();
    assert_eq!(exact.len(), 1000);
    assert_eq!(read_stream(&b"[]"[..], Source::Stdin).unwrap(), b"[]");
}

#[test]
fn a_regular_file_that_grows_past_the_cap_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("growing");
    fs::write(&f, vec![b'x'; 2000]).unwrap();
    // Stat said 10 bytes; 2000 are there by the read: the cap still holds.
    let e = read_capped(
        File::open(&f).unwrap(),
        Source::File(f.clone()),
        Some(10),
        1000,
    )
    .unwrap_err();
    assert!(matches!(e, ReadError::TooLarge { size: None, .. }), "{e:?}");
    let e = read_regular(&f, true, 1000).unwrap_err();
    assert!(
        matches!(
            e,
            ReadError::TooLarge {
                size: Some(2000),
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn dev_zero_named_as_input_ends_with_the_cap_error_quickly() {
    let start = Instant::now();
    let e = read_named_input(Path::new("/dev/zero")).unwrap_err();
    assert!(
        matches!(&e, ReadError::TooLarge { size: None, cap, input: Source::File(p) }
            if *cap == MAX_INPUT_BYTES && p == Path::new("/dev/zero")),
        "{e:?}"
    );
    assert_eq!(
        e.to_string(),
        "/dev/zero is larger than the 16 MiB cnictl reads of one input"
    );
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_named_pipe_given_as_input_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("list");
    mkfifo(&fifo);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || fs::write(fifo, b"[\"c1:eth0\"]").unwrap())
    };
    assert_eq!(read_named_input(&fifo).unwrap(), b"[\"c1:eth0\"]");
    writer.join().unwrap();
    let e = read_named_input(dir.path()).unwrap_err();
    assert!(
        matches!(
            e,
            ReadError::NotRegular {
                kind: FileKind::Directory,
                ..
            }
        ),
        "{e:?}"
    );
}
