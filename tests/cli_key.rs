//! `padron key new` / `padron key fingerprint` run as a built binary.

use std::path::PathBuf;
use std::process::{Command, Output};

use padron::pseudo::keyfile::read_key;

fn padron(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_padron"))
        .args(args)
        .output()
        .unwrap()
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("padron-cli-key-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn new_then_fingerprint() {
    let d = tempdir("new");
    let path = d.join("agency.key");
    let out = padron(&[
        "key".as_ref(),
        "new".as_ref(),
        "-o".as_ref(),
        path.as_os_str(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let fp = text(&out.stdout).trim().to_string();
    assert_eq!(fp.len(), 16);

    let content = std::fs::read_to_string(&path).unwrap();
    assert_eq!(content.len(), 65);
    assert!(content.ends_with('\n'));
    let hex = content.trim();
    assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    // The key never reaches the terminal.
    assert!(!text(&out.stdout).contains(hex) && !text(&out.stderr).contains(hex));

    let out = padron(&["key".as_ref(), "fingerprint".as_ref(), path.as_os_str()]);
    assert!(out.status.success());
    assert_eq!(text(&out.stdout).trim(), fp);
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    let (key, warnings) = read_key(&path).unwrap();
    assert_eq!(key.fingerprint().to_string(), fp);
    assert!(warnings.is_empty());

    // Never overwrites.
    let out = padron(&[
        "key".as_ref(),
        "new".as_ref(),
        "-o".as_ref(),
        path.as_os_str(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), content);
    std::fs::remove_dir_all(&d).unwrap();
}

#[test]
fn bad_key_files_are_refused_without_echoing_them() {
    let d = tempdir("bad");
    let short = d.join("short.key");
    std::fs::write(&short, "deadbeefcafe\n").unwrap();
    let out = padron(&["key".as_ref(), "fingerprint".as_ref(), short.as_os_str()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("64 hexadecimal digits") && err.contains("found 12"),
        "{err}"
    );
    assert!(!err.contains("deadbeef"), "{err}");

    let nothex = d.join("nothex.key");
    std::fs::write(&nothex, "z".repeat(64)).unwrap();
    let out = padron(&["key".as_ref(), "fingerprint".as_ref(), nothex.as_os_str()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("offset 0"));
    std::fs::remove_dir_all(&d).unwrap();
}

#[cfg(unix)]
#[test]
fn readable_key_file_warns() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempdir("perm");
    let path = d.join("open.key");
    std::fs::write(&path, format!("{}\n", "ab".repeat(32))).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = padron(&["key".as_ref(), "fingerprint".as_ref(), path.as_os_str()]);
    assert!(out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("warning") && err.contains("644") && err.contains("chmod 600"),
        "{err}"
    );
    let (_, warnings) = read_key(&path).unwrap();
    assert_eq!(warnings.len(), 1);
    std::fs::remove_dir_all(&d).unwrap();
}
