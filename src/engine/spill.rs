//! Parent links on disk: what a fingerprint sweep keeps of each state to rebuild a trace,
//! written out level by level so that RAM holds only the links of the states found since the
//! last write.
//!
//! A link is 8 bytes: the parent's number and the successor's position among the parent's
//! successors (its emission order), which is what replaying the model needs to walk the same
//! path again without any fingerprint. Links are written to one file in state order, so the
//! link of state `i` is at byte `8 * i`; the file is removed when the store goes (on Unix it is
//! unlinked at once and lives only as long as the open handle, so a killed run leaves nothing
//! behind). If the file cannot be made or written, the links stay in memory instead and a
//! warning says so once: a trace is never lost to a full disk, and the memory budget still
//! stops a sweep that then outgrows RAM.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A state's link: (parent number, position among the parent's successors).
pub(crate) type Link = [u32; 2];

const LINK_BYTES: u64 = 8;

/// The parent links of a sweep: on disk below `written`, in `recent` from there on.
pub(crate) struct Links {
    file: Option<Mutex<File>>,
    /// False after a write failed: the file keeps the links below `written`, the rest stay
    /// in memory.
    writable: bool,
    /// Where the file lives, for messages (removed at drop where it could not be unlinked).
    path: Option<PathBuf>,
    /// Links of the states numbered `written..`.
    recent: Vec<Link>,
    written: usize,
}

/// A name no other sweep of this process or another uses.
fn unique_name() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    format!("musil-links-{}-{n}-{nanos}", std::process::id())
}

impl Links {
    /// Links spilled to a new file in `dir` (the system's temporary directory when `None`).
    pub(crate) fn new(dir: Option<&Path>) -> Self {
        let dir = dir.map_or_else(std::env::temp_dir, Path::to_path_buf);
        let path = dir.join(unique_name());
        let opened = std::fs::OpenOptions::new().read(true).write(true).create_new(true).open(&path);
        match opened {
            Ok(file) => {
                // Unlinked at once where the system allows it: the data lives as long as the
                // handle.
                let kept = if cfg!(unix) && std::fs::remove_file(&path).is_ok() { None } else { Some(path) };
                Links {
                    file: Some(Mutex::new(file)),
                    writable: true,
                    path: kept,
                    recent: Vec::new(),
                    written: 0,
                }
            }
            Err(e) => {
                warn(&dir, &e);
                Links { file: None, writable: false, path: None, recent: Vec::new(), written: 0 }
            }
        }
    }

    /// Append the link of the next state.
    #[inline]
    pub(crate) fn push(&mut self, link: Link) {
        self.recent.push(link);
    }

    /// Room for `count` links past the end, written by index from any thread through the
    /// returned pointer, then taken in by [`Links::commit`].
    pub(crate) fn reserve(&mut self, count: usize) -> *mut Link {
        self.recent.reserve(count);
        self.recent.as_mut_ptr().wrapping_add(self.recent.len())
    }

    /// Take in the `count` links reserved last.
    ///
    /// # Safety
    /// Each of them was written through the pointer [`Links::reserve`] gave.
    pub(crate) unsafe fn commit(&mut self, count: usize) {
        // SAFETY: the caller's promise; `reserve` made the room.
        unsafe { self.recent.set_len(self.recent.len() + count) };
    }

    /// Write the links held in memory out to the file (nothing without one).
    pub(crate) fn write_out(&mut self) {
        let Some(file) = self.file.as_ref().filter(|_| self.writable) else { return };
        if self.recent.is_empty() {
            return;
        }
        let mut f = file.lock().unwrap_or_else(|e| e.into_inner());
        // A megabyte at a time: a level's links can be hundreds of megabytes.
        let done = f.seek(SeekFrom::Start(self.written as u64 * LINK_BYTES)).and_then(|_| {
            let mut bytes = Vec::with_capacity(1 << 20);
            for run in self.recent.chunks(1 << 17) {
                bytes.clear();
                bytes.extend(run.iter().flat_map(|l| [l[0].to_le_bytes(), l[1].to_le_bytes()]).flatten());
                f.write_all(&bytes)?;
            }
            Ok(())
        });
        match done {
            Ok(()) => {
                self.written += self.recent.len();
                self.recent.clear();
            }
            Err(e) => {
                // The file keeps what was written before; the rest stays in memory.
                drop(f);
                warn(self.path.as_deref().unwrap_or(Path::new("the links file")), &e);
                self.writable = false;
            }
        }
    }

    /// The link of state `i`.
    pub(crate) fn get(&self, i: usize) -> Link {
        if i >= self.written {
            return self.recent[i - self.written];
        }
        let file = self.file.as_ref().expect("links below `written` are on disk");
        let mut f = file.lock().unwrap_or_else(|e| e.into_inner());
        let mut b = [0u8; 8];
        f.seek(SeekFrom::Start(i as u64 * LINK_BYTES))
            .and_then(|_| f.read_exact(&mut b))
            .unwrap_or_else(|e| panic!("musil: reading a parent link back from disk failed: {e}"));
        [u32::from_le_bytes([b[0], b[1], b[2], b[3]]), u32::from_le_bytes([b[4], b[5], b[6], b[7]])]
    }

    /// Bytes of RAM the links in memory take (their count, not the buffer's capacity, which
    /// depends on how a level was stored).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.recent.len() * std::mem::size_of::<Link>()
    }
}

fn warn(at: &Path, e: &std::io::Error) {
    eprintln!(
        "musil: parent links cannot be written to {} ({e}); they are kept in memory instead",
        at.display()
    );
}

impl Drop for Links {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_come_back_from_disk_and_from_memory() {
        let dir = std::env::temp_dir();
        let mut links = Links::new(Some(&dir));
        assert!(links.file.is_some(), "the temporary directory takes a file");
        for i in 0..1000u32 {
            links.push([i.wrapping_sub(1), i % 7]);
            if i % 300 == 299 {
                links.write_out();
            }
        }
        assert_eq!(links.written, 900);
        assert_eq!(links.heap_bytes(), 100 * 8);
        for i in [0u32, 1, 299, 300, 899, 900, 999] {
            assert_eq!(links.get(i as usize), [i.wrapping_sub(1), i % 7]);
        }
        // Reserved links written out of order are taken in as one run.
        let at = links.reserve(3);
        // SAFETY: three places were reserved; each is written once.
        unsafe {
            at.add(2).write([7, 2]);
            at.write([7, 0]);
            at.add(1).write([7, 1]);
            links.commit(3);
        }
        links.write_out();
        assert_eq!((links.get(1001), links.get(1002)), ([7, 1], [7, 2]));
    }

    #[test]
    fn without_a_file_links_stay_in_memory() {
        let mut links = Links::new(Some(Path::new("/nonexistent/musil/links")));
        assert!(links.file.is_none());
        for i in 0..100u32 {
            links.push([i, 0]);
        }
        links.write_out();
        assert_eq!(links.get(42), [42, 0]);
        assert_eq!(links.heap_bytes(), 800);
    }
}
