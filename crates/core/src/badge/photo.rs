//! The visitor's photo, scaled into its box and dithered to black and white.
//!
//! A thermal head prints dots, not greys, so a photo is Floyd–Steinberg dithered: each dot's
//! rounding error is spread to its neighbours, which keeps faces recognisable at 300 dpi.

use super::bitmap::Bitmap1;

/// An 8-bit grayscale image (0 = black, 255 = white), row by row.
#[derive(Clone, PartialEq, Eq)]
pub struct Photo {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

impl Photo {
    /// `None` unless `pixels` holds exactly `width * height` values and the photo is not empty.
    pub fn new(width: u32, height: u32, pixels: Vec<u8>) -> Option<Self> {
        let ok = width > 0 && height > 0 && pixels.len() == width as usize * height as usize;
        ok.then_some(Photo {
            width,
            height,
            pixels,
        })
    }

    pub fn width(&self) -> u32 {
        self.width
    }

    pub fn height(&self) -> u32 {
        self.height
    }

    fn at(&self, x: u32, y: u32) -> u8 {
        self.pixels[y as usize * self.width as usize + x as usize]
    }

    /// A generated test portrait (a head-and-shoulders silhouette on a gradient), for the
    /// simulated camera and sample badges.
    pub fn sample(width: u32, height: u32) -> Self {
        let (w, h) = (width as f32, height as f32);
        let pixels = (0..height)
            .flat_map(|y| (0..width).map(move |x| (x as f32, y as f32)))
            .map(|(x, y)| {
                let head =
                    ((x - w * 0.5) / (w * 0.22)).powi(2) + ((y - h * 0.38) / (h * 0.2)).powi(2);
                let body =
                    ((x - w * 0.5) / (w * 0.45)).powi(2) + ((y - h * 1.05) / (h * 0.42)).powi(2);
                if head <= 1.0 {
                    (90.0 + 100.0 * head) as u8
                } else if body <= 1.0 {
                    40
                } else {
                    (235.0 - 90.0 * y / h) as u8
                }
            })
            .collect();
        Photo {
            width,
            height,
            pixels,
        }
    }
}

impl std::fmt::Debug for Photo {
    // A face is personal data: never print the pixels.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Photo({}x{})", self.width, self.height)
    }
}

/// Scales `photo` to cover a `width` x `height` box (cropping the overflow evenly, so the
/// face stays centred) and dithers it into `page` at (`left`, `top`).
pub fn draw(photo: &Photo, page: &mut Bitmap1, left: u32, top: u32, width: u32, height: u32) {
    let grey = cover(photo, width, height);
    let mut error: Vec<f32> = grey.iter().map(|&g| g as f32).collect();
    let (w, h) = (width as usize, height as usize);
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            let old = error[i];
            let ink = old < 128.0;
            let new = if ink { 0.0 } else { 255.0 };
            page.set(left + x as u32, top + y as u32, ink);
            let e = old - new;
            if x + 1 < w {
                error[i + 1] += e * 7.0 / 16.0;
            }
            if y + 1 < h {
                if x > 0 {
                    error[i + w - 1] += e * 3.0 / 16.0;
                }
                error[i + w] += e * 5.0 / 16.0;
                if x + 1 < w {
                    error[i + w + 1] += e * 1.0 / 16.0;
                }
            }
        }
    }
}

/// Nearest-neighbour "cover" scaling: fine for a camera frame shrunk onto a 2 cm box.
fn cover(photo: &Photo, width: u32, height: u32) -> Vec<u8> {
    let scale = f32::max(
        width as f32 / photo.width as f32,
        height as f32 / photo.height as f32,
    );
    let off_x = (photo.width as f32 * scale - width as f32) / 2.0;
    let off_y = (photo.height as f32 * scale - height as f32) / 2.0;
    let mut out = Vec::with_capacity(width as usize * height as usize);
    for y in 0..height {
        let sy = (((y as f32 + 0.5 + off_y) / scale) as u32).min(photo.height - 1);
        for x in 0..width {
            let sx = (((x as f32 + 0.5 + off_x) / scale) as u32).min(photo.width - 1);
            out.push(photo.at(sx, sy));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dithered(grey: u8) -> usize {
        let photo = Photo::new(4, 4, vec![grey; 16]).unwrap();
        let mut page = Bitmap1::new(40, 40);
        draw(&photo, &mut page, 0, 0, 40, 40);
        page.ink_count()
    }

    #[test]
    fn black_is_all_ink_and_white_none() {
        assert_eq!(dithered(0), 1600);
        assert_eq!(dithered(255), 0);
    }

    #[test]
    fn mid_grey_is_about_half_ink() {
        let ink = dithered(128);
        assert!((700..=900).contains(&ink), "{ink}");
    }

    #[test]
    fn a_photo_needs_matching_pixels() {
        assert!(Photo::new(2, 2, vec![0; 3]).is_none());
        assert!(Photo::new(0, 0, vec![]).is_none());
    }

    #[test]
    fn drawing_stays_inside_its_box() {
        let mut page = Bitmap1::new(50, 50);
        draw(
            &Photo::new(3, 9, vec![0; 27]).unwrap(),
            &mut page,
            10,
            10,
            20,
            20,
        );
        assert_eq!(page.ink_count(), 400);
        assert!(!page.is_ink(9, 9) && !page.is_ink(30, 30));
    }
}
