//! Taking documents out of their envelopes: the content of an attached signature (`.p7m`),
//! streamed (`kyso extract`). Extracting checks nothing about the signature: verify first
//! (`kyso verify`) to know whether the content is what was signed.

use std::io::{self, Write};
use std::path::Path;

use crate::cms::envelope::{SigSource, SourceError};
use crate::cms::signed_data;
use crate::encoding::ber::ContentSink;
use crate::error::Error;

/// Stream the content embedded in the attached signature `envelope` (a `.p7m`: DER, BER or
/// PEM) to `w`, in one pass. `Ok(None)` when the SignedData embeds no content (a detached
/// signature: nothing is written); `Ok(Some(n))` with the content's length otherwise. `Err`
/// when the file cannot be read or is not a CMS SignedData; `w` may then have received part
/// of the content, so write to a temporary file and keep it only on `Ok(Some(_))`.
pub fn extract_content(envelope: &Path, w: &mut dyn Write) -> Result<Option<u64>, Error> {
    let not_cms = |detail: String| Error::NotCms {
        path: envelope.display().to_string(),
        detail,
    };
    let source = SigSource::File(envelope.to_path_buf());
    let mut sink = WriteSink(w);
    let n = source.normalize(&mut sink).map_err(|e| match e {
        SourceError::Io(e) => e,
        SourceError::Format(detail) => not_cms(detail),
    })?;
    // The skeleton (content left out) must be a SignedData, not another ContentInfo type.
    signed_data::parse(&n.der).map_err(not_cms)?;
    Ok(n.content_len)
}

/// A content sink writing every chunk to a writer.
struct WriteSink<'a>(&'a mut dyn Write);

impl ContentSink for WriteSink<'_> {
    fn begin(&mut self, _: Option<&[u8]>) -> io::Result<()> {
        Ok(())
    }
    fn data(&mut self, chunk: &[u8]) -> io::Result<()> {
        self.0.write_all(chunk)
    }
}

/// The data objects of an ASiC container (ETSI EN 319 162-1 §4.3, §4.4: every entry outside
/// META-INF, the mimetype left out), in entry order, as (name, bytes). The container is read
/// with the same bounds and name rules as for verification, so each name is a relative path
/// without `..`, a backslash, a control character or a drive, safe to join to a folder.
/// Extracting checks nothing about the signatures: verify first.
#[cfg(feature = "asic")]
pub fn extract_container(container: &Path) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let path = container.display().to_string();
    let limits = crate::asic::Limits::default();
    let size = std::fs::metadata(container)
        .map_err(|e| Error::io(container, e))?
        .len();
    if size > limits.max_container_size {
        return Err(Error::Asic {
            path,
            problem: crate::error::AsicProblem::ContainerTooLarge {
                size,
                limit: limits.max_container_size,
            },
        });
    }
    let bytes = std::fs::read(container).map_err(|e| Error::io(container, e))?;
    let c = crate::asic::read(&bytes, &limits).map_err(|problem| Error::Asic { path, problem })?;
    Ok(c.data_objects()
        .map(|e| (e.name.clone(), e.data.clone()))
        .collect())
}
