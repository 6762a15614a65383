//! Key files: 64 lower-case hex digits and a newline.
//!
//! **The one exception to "the library never touches files".** STYLE.md
//! gives key files to `io`; the permission handling lives here, next to
//! [`Key`], so that no other code ever holds a key's bytes or hex form.
//! `io` and the CLI call these two functions. Warnings are returned as
//! values; printing them is the caller's job.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::Path;
use zeroize::Zeroizing;

use super::{Error, Key};

/// Largest key file accepted (a key file is 65 bytes; leave room for CRLF
/// and blanks but refuse to read an arbitrary large file into memory).
const MAX_KEY_FILE: u64 = 1024;

/// Something about a key file the user should know; not fatal.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyFileWarning {
    /// The file's permissions let the group or others read or write it.
    ReadableByOthers {
        /// The file's permission bits (e.g. `0o644`).
        mode: u32,
    },
    /// This platform has no Unix permission bits; padron could not
    /// restrict or check who can read the file.
    PermissionsUnchecked,
}

impl fmt::Display for KeyFileWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyFileWarning::ReadableByOthers { mode } => write!(
                f,
                "key file permissions are {mode:o}: other users can read it; restrict it to the owner (chmod 600)"
            ),
            KeyFileWarning::PermissionsUnchecked => write!(
                f,
                "could not check who can read the key file on this platform; protect it yourself"
            ),
        }
    }
}

/// Writes `key` to a new file at `path` (never overwrites an existing
/// file), readable and writable by the owner only (mode 0600 on Unix).
pub fn write_new_key(path: &Path, key: &Key) -> Result<Vec<KeyFileWarning>, Error> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut file = opts.open(path).map_err(|source| Error::Io {
        action: "create",
        source,
    })?;
    let mut text = key.to_hex_zeroizing();
    text.push('\n');
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all());
    if let Err(source) = written {
        // Do not leave a partial key file behind.
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(Error::Io {
            action: "write",
            source,
        });
    }
    check_permissions(&file)
}

/// Reads a key file written by [`write_new_key`] (64 hex digits; blanks
/// around them are ignored). Returns warnings about its permissions.
pub fn read_key(path: &Path) -> Result<(Key, Vec<KeyFileWarning>), Error> {
    let io = |action| move |source| Error::Io { action, source };
    let file = File::open(path).map_err(io("open"))?;
    let warnings = check_permissions(&file)?;
    // Read into a buffer that is zeroized and never reallocated.
    let mut buf = Zeroizing::new(Vec::with_capacity(MAX_KEY_FILE as usize + 1));
    file.take(MAX_KEY_FILE + 1)
        .read_to_end(&mut buf)
        .map_err(io("read"))?;
    if buf.len() as u64 > MAX_KEY_FILE {
        return Err(Error::KeyFileTooLarge);
    }
    // Non-UTF-8 bytes cannot be hex digits; report the first one's offset.
    let text = std::str::from_utf8(&buf).map_err(|e| Error::KeyHex {
        position: e.valid_up_to(),
    })?;
    Ok((Key::from_hex(text)?, warnings))
}

#[cfg(unix)]
fn check_permissions(file: &File) -> Result<Vec<KeyFileWarning>, Error> {
    use std::os::unix::fs::PermissionsExt;
    let meta = file.metadata().map_err(|source| Error::Io {
        action: "metadata",
        source,
    })?;
    let mode = meta.permissions().mode() & 0o777;
    Ok(if mode & 0o077 != 0 {
        vec![KeyFileWarning::ReadableByOthers { mode }]
    } else {
        Vec::new()
    })
}

#[cfg(not(unix))]
fn check_permissions(_file: &File) -> Result<Vec<KeyFileWarning>, Error> {
    Ok(vec![KeyFileWarning::PermissionsUnchecked])
}
