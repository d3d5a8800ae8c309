//! Index files under the cache directory: one per accelerator, grouped by account, plus a small
//! catalog of which static IPs belong to which indexed accelerator (so a lookup finds its
//! index without reading them all). Files are written whole and renamed into place.

use std::io;
use std::path::{Path, PathBuf};

use etcetera::BaseStrategy;
use serde::{Deserialize, Serialize};

use super::{FORMAT_VERSION, MappingIndex};
use crate::model::{account_of, short_id};

const MAGIC: &[u8; 6] = b"PTLIDX";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogEntry {
    pub accelerator_arn: String,
    pub accelerator_name: String,
    pub static_ips: Vec<String>,
    pub mappings: u64,
    pub built_at: u64,
    pub bytes: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    pub entries: Vec<CatalogEntry>,
}

impl Catalog {
    /// The indexed accelerator that owns static IP `ip`.
    pub fn owner_of(&self, ip: &str) -> Option<&CatalogEntry> {
        self.entries
            .iter()
            .find(|e| e.static_ips.iter().any(|s| s == ip))
    }
}

#[derive(Debug, Clone)]
pub struct IndexStore {
    root: PathBuf,
}

fn encode<T: Serialize>(value: &T) -> io::Result<Vec<u8>> {
    let mut bytes = MAGIC.to_vec();
    bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    let body = postcard::to_allocvec(value).map_err(io::Error::other)?;
    bytes.extend_from_slice(&body);
    Ok(bytes)
}

/// `None` for a file of another format version (it is rebuilt, not misread).
fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> io::Result<Option<T>> {
    let Some(rest) = bytes.strip_prefix(MAGIC.as_slice()) else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "not an index file",
        ));
    };
    let (version, body) = rest.split_at_checked(2).ok_or(io::ErrorKind::InvalidData)?;
    if u16::from_le_bytes([version[0], version[1]]) != FORMAT_VERSION {
        return Ok(None);
    }
    postcard::from_bytes(body)
        .map(Some)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

impl IndexStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// `$XDG_CACHE_HOME/portolan/index` (`~/.cache/…` when unset).
    pub fn default_location() -> Option<Self> {
        let dirs = etcetera::choose_base_strategy().ok()?;
        Some(Self::new(dirs.cache_dir().join("portolan").join("index")))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path(&self, accelerator_arn: &str) -> PathBuf {
        let account = account_of(accelerator_arn).unwrap_or("unknown-account");
        self.root
            .join(account)
            .join(format!("{}.idx", short_id(accelerator_arn)))
    }

    fn catalog_path(&self) -> PathBuf {
        self.root.join("catalog.idx")
    }

    pub fn catalog(&self) -> Catalog {
        std::fs::read(self.catalog_path())
            .ok()
            .and_then(|b| decode(&b).ok().flatten())
            .unwrap_or_default()
    }

    fn write_catalog(&self, catalog: &Catalog) -> io::Result<()> {
        write_atomically(&self.catalog_path(), &encode(catalog)?)
    }

    /// Writes the index and records it in the catalog; returns the file's size.
    pub fn save(&self, index: &MappingIndex) -> io::Result<u64> {
        let bytes = encode(index)?;
        write_atomically(&self.path(&index.accelerator_arn), &bytes)?;
        let mut catalog = self.catalog();
        catalog
            .entries
            .retain(|e| e.accelerator_arn != index.accelerator_arn);
        catalog.entries.push(CatalogEntry {
            accelerator_arn: index.accelerator_arn.clone(),
            accelerator_name: index.accelerator_name.clone(),
            static_ips: index.static_ips.clone(),
            mappings: index.records.len() as u64,
            built_at: index.built_at,
            bytes: bytes.len() as u64,
        });
        catalog
            .entries
            .sort_by(|a, b| a.accelerator_name.cmp(&b.accelerator_name));
        self.write_catalog(&catalog)?;
        Ok(bytes.len() as u64)
    }

    /// The index of an accelerator, if one of this format version exists.
    pub fn load(&self, accelerator_arn: &str) -> io::Result<Option<MappingIndex>> {
        match std::fs::read(self.path(accelerator_arn)) {
            Ok(bytes) => decode(&bytes),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Removes an accelerator's index; true when there was one.
    pub fn remove(&self, accelerator_arn: &str) -> io::Result<bool> {
        let removed = match std::fs::remove_file(self.path(accelerator_arn)) {
            Ok(()) => true,
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(e) => return Err(e),
        };
        let mut catalog = self.catalog();
        catalog
            .entries
            .retain(|e| e.accelerator_arn != accelerator_arn);
        self.write_catalog(&catalog)?;
        Ok(removed)
    }
}
