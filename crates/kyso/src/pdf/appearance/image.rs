//! The block's image: a PNG (RFC 2083) decoded with bounds, written as an image XObject
//! with a soft mask for its transparency (ISO 32000-1 §8.9.5, §11.6.5.3).

use std::io::Cursor;

use png::{BitDepth, ColorType, Decoder, DecodingError, Transformations};

use super::super::error::{PdfError, Result};
use super::{deflate, stream, Numbers};

/// The 8 bytes every PNG starts with (RFC 2083 §3.1).
const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
/// Largest width or height: 8192 pixels. A seal scanned at 600 dpi for a 4 cm stamp is
/// about 950 pixels across; 8192 leaves room for any sensible scan.
pub(super) const MAX_SIDE: u32 = 8192;
/// Largest decoded image, 8-bit samples after expansion: 64 MiB (an 4096 x 4096 RGBA image).
/// Decoding then holds this buffer, the colour and alpha planes split from it (as much
/// again) and the compressed planes.
pub(super) const MAX_DECODED: u64 = 64 << 20;

/// A decoded image: 8-bit samples, gray or RGB, and its alpha plane when it has one that is
/// not fully opaque.
#[derive(Debug)]
pub(super) struct Image {
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) gray: bool,
    pub(super) color: Vec<u8>,
    pub(super) alpha: Option<Vec<u8>>,
}

/// Decode a PNG to 8-bit gray or RGB samples and an alpha plane. Palette and low-bit images
/// are expanded to 8 bits (a tRNS chunk becomes alpha), 16-bit samples are cut to their high
/// byte. The size is checked from the header (IHDR) before anything is allocated for the
/// pixels; an animated PNG gives its default image.
pub(super) fn decode_png(data: &[u8]) -> Result<Image> {
    if !data.starts_with(&SIGNATURE) {
        return Err(PdfError::ImageNotPng);
    }
    // The decoder's own limit caps what it allocates besides our buffer (rows, chunks).
    let limits = png::Limits {
        bytes: MAX_DECODED as usize,
    };
    let mut decoder = Decoder::new_with_limits(Cursor::new(data), limits);
    decoder.set_transformations(Transformations::EXPAND | Transformations::STRIP_16);
    // Text and ICC profile chunks are not drawn: no need to decompress them.
    decoder.set_ignore_text_chunk(true);
    decoder.set_ignore_iccp_chunk(true);
    let (width, height, color_type) = {
        let info = decoder.read_header_info().map_err(damaged)?;
        (info.width, info.height, info.color_type)
    };
    let too_large = |what| PdfError::ImageTooLarge {
        width,
        height,
        what,
    };
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(too_large("more than 8192 pixels wide or tall"));
    }
    // The samples per pixel after expansion, at most: whether a tRNS chunk adds alpha is
    // known only after the header, so assume it does.
    let samples: u64 = match color_type {
        ColorType::Grayscale | ColorType::GrayscaleAlpha => 2,
        ColorType::Rgb | ColorType::Indexed | ColorType::Rgba => 4,
    };
    if u64::from(width) * u64::from(height) * samples > MAX_DECODED {
        return Err(too_large("more than 64 MiB once decoded"));
    }
    let mut reader = decoder.read_info().map_err(damaged)?;
    let size = reader
        .output_buffer_size()
        .filter(|&s| s as u64 <= MAX_DECODED)
        .ok_or_else(|| too_large("more than 64 MiB once decoded"))?;
    let mut buf = vec![0; size];
    let frame = reader.next_frame(&mut buf).map_err(damaged)?;
    buf.truncate(frame.buffer_size());
    if frame.bit_depth != BitDepth::Eight {
        return Err(PdfError::ImageDamaged {
            what: format!("{:?} bits per sample after expansion", frame.bit_depth),
        });
    }
    let pixels = (width as usize) * (height as usize);
    let (gray, channels) = match frame.color_type {
        ColorType::Grayscale => (true, 1),
        ColorType::GrayscaleAlpha => (true, 2),
        ColorType::Rgb => (false, 3),
        ColorType::Rgba => (false, 4),
        ColorType::Indexed => {
            return Err(PdfError::ImageDamaged {
                what: "a palette image that did not expand".into(),
            })
        }
    };
    if buf.len() != pixels * channels {
        return Err(PdfError::ImageDamaged {
            what: format!("{} bytes decoded for {width} x {height} pixels", buf.len()),
        });
    }
    let (color, alpha) = if channels == 2 || channels == 4 {
        let color_channels = channels - 1;
        let mut color = Vec::with_capacity(pixels * color_channels);
        let mut alpha = Vec::with_capacity(pixels);
        for px in buf.chunks_exact(channels) {
            color.extend_from_slice(&px[..color_channels]);
            alpha.push(px[color_channels]);
        }
        // A fully opaque alpha channel needs no soft mask.
        let alpha = (!alpha.iter().all(|&a| a == 0xff)).then_some(alpha);
        (color, alpha)
    } else {
        (buf, None)
    };
    Ok(Image {
        width,
        height,
        gray,
        color,
        alpha,
    })
}

/// A png error as ours: a stream that ends early is a truncated file.
fn damaged(e: DecodingError) -> PdfError {
    match e {
        DecodingError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            PdfError::ImageDamaged {
                what: "it ends before the image data does".into(),
            }
        }
        DecodingError::LimitsExceeded => PdfError::ImageDamaged {
            what: "its chunks need more memory than the 64 MiB limit".into(),
        },
        e => PdfError::ImageDamaged {
            what: e.to_string(),
        },
    }
}

/// Write the image XObject (returned, for the form's /Resources) and its soft mask.
pub(super) fn write_image(
    image: &Image,
    numbers: &mut Numbers,
    objects: &mut Vec<(u32, Vec<u8>)>,
) -> Result<u32> {
    let xobject = numbers.take()?;
    let smask = match image.alpha {
        Some(_) => Some(numbers.take()?),
        None => None,
    };
    let space = if image.gray {
        "DeviceGray"
    } else {
        "DeviceRGB"
    };
    let mut entries = format!(
        "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /{space} \
         /BitsPerComponent 8 /Filter /FlateDecode",
        image.width, image.height
    );
    if let Some(s) = smask {
        entries.push_str(&format!(" /SMask {s} 0 R"));
    }
    objects.push((xobject, stream(&entries, &deflate(&image.color)?)));
    if let (Some(s), Some(alpha)) = (smask, &image.alpha) {
        // §11.6.5.3: a soft-mask image is /DeviceGray, its samples the alpha values.
        let entries = format!(
            "/Type /XObject /Subtype /Image /Width {} /Height {} /ColorSpace /DeviceGray \
             /BitsPerComponent 8 /Filter /FlateDecode",
            image.width, image.height
        );
        objects.push((s, stream(&entries, &deflate(alpha)?)));
    }
    Ok(xobject)
}
