//! Pictures the project draws itself, for the demo data: a logo, a cover and photos for
//! each demo organisation, made from a seed (the same seed, the same picture), so that a new
//! installation looks alive without shipping anyone else's pictures. Shapes and colours
//! only: hills, a sun, fields, water, trees, houses and people, in the organisation's hue.

use image::{Rgb, RgbImage};

/// A small deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `[0, 1)`.
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32
    }

    fn range(&mut self, low: f32, high: f32) -> f32 {
        low + (high - low) * self.unit()
    }
}

/// A seed from a text (an organisation's slug).
pub fn seed(text: &str) -> u64 {
    text.bytes().fold(0xCBF2_9CE4_8422_2325, |hash, b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

/// A colour from hue (0–360), saturation and lightness (0–1).
fn hsl(hue: f32, saturation: f32, lightness: f32) -> Rgb<u8> {
    let c = (1.0 - (2.0 * lightness - 1.0).abs()) * saturation;
    let h = (hue.rem_euclid(360.0)) / 60.0;
    let x = c * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = lightness - c / 2.0;
    let channel = |v: f32| ((v + m).clamp(0.0, 1.0) * 255.0).round() as u8;
    Rgb([channel(r), channel(g), channel(b)])
}

fn mix(a: Rgb<u8>, b: Rgb<u8>, t: f32) -> Rgb<u8> {
    let t = t.clamp(0.0, 1.0);
    let channel = |i: usize| (f32::from(a.0[i]) * (1.0 - t) + f32::from(b.0[i]) * t).round() as u8;
    Rgb([channel(0), channel(1), channel(2)])
}

/// Paints the pixels inside `shape` (a signed distance: negative inside), with a pixel of
/// soft edge.
fn fill(
    picture: &mut RgbImage,
    colour: Rgb<u8>,
    bounds: (f32, f32, f32, f32),
    shape: impl Fn(f32, f32) -> f32,
) {
    let (width, height) = picture.dimensions();
    let x0 = bounds.0.floor().max(0.0) as u32;
    let y0 = bounds.1.floor().max(0.0) as u32;
    let x1 = (bounds.2.ceil().max(0.0) as u32).min(width);
    let y1 = (bounds.3.ceil().max(0.0) as u32).min(height);
    for y in y0..y1 {
        for x in x0..x1 {
            let distance = shape(x as f32 + 0.5, y as f32 + 0.5);
            if distance < 0.5 {
                let cover = (0.5 - distance).min(1.0);
                let pixel = picture.get_pixel_mut(x, y);
                *pixel = mix(*pixel, colour, cover);
            }
        }
    }
}

fn circle(picture: &mut RgbImage, colour: Rgb<u8>, cx: f32, cy: f32, r: f32) {
    fill(
        picture,
        colour,
        (cx - r - 1.0, cy - r - 1.0, cx + r + 1.0, cy + r + 1.0),
        |x, y| ((x - cx).powi(2) + (y - cy).powi(2)).sqrt() - r,
    );
}

fn rectangle(picture: &mut RgbImage, colour: Rgb<u8>, x0: f32, y0: f32, x1: f32, y1: f32) {
    fill(
        picture,
        colour,
        (x0 - 1.0, y0 - 1.0, x1 + 1.0, y1 + 1.0),
        |x, y| (x0 - x).max(x - x1).max(y0 - y).max(y - y1),
    );
}

/// A triangle pointing up: apex at (cx, top), base from cx - half to cx + half at `bottom`.
fn roof(picture: &mut RgbImage, colour: Rgb<u8>, cx: f32, top: f32, half: f32, bottom: f32) {
    let slope = half / (bottom - top);
    fill(
        picture,
        colour,
        (cx - half - 1.0, top - 1.0, cx + half + 1.0, bottom + 1.0),
        |x, y| {
            let inside_width = (y - top) * slope;
            ((x - cx).abs() - inside_width).max(top - y).max(y - bottom)
        },
    );
}

/// A landscape at `width` × `height`: sky, sun, hills in the organisation's hue, and what
/// the seed puts on them.
fn landscape(width: u32, height: u32, hue: f32, dice: &mut Dice, busy: bool) -> RgbImage {
    let (w, h) = (width as f32, height as f32);
    let sky_top = hsl(hue + 180.0 + dice.range(-20.0, 20.0), 0.55, 0.72);
    let sky_low = hsl(hue + 40.0, 0.6, 0.88);
    let mut picture = RgbImage::from_fn(width, height, |_, y| mix(sky_top, sky_low, y as f32 / h));
    circle(
        &mut picture,
        hsl(45.0, 0.95, 0.62),
        w * dice.range(0.15, 0.85),
        h * dice.range(0.15, 0.35),
        h * dice.range(0.07, 0.12),
    );
    let layers = 3;
    let mut horizon = h * dice.range(0.45, 0.6);
    for layer in 0..layers {
        let colour = hsl(
            hue + dice.range(-15.0, 15.0),
            0.45,
            0.28 + 0.14 * (layers - layer) as f32 / layers as f32,
        );
        let (a1, f1, p1) = (
            h * dice.range(0.02, 0.06),
            dice.range(1.0, 3.0),
            dice.range(0.0, std::f32::consts::TAU),
        );
        let (a2, f2, p2) = (
            h * dice.range(0.01, 0.03),
            dice.range(4.0, 8.0),
            dice.range(0.0, std::f32::consts::TAU),
        );
        let base = horizon;
        fill(
            &mut picture,
            colour,
            (0.0, base - a1 - a2 - 2.0, w, h),
            |x, y| {
                let t = x / w * std::f32::consts::TAU;
                let top = base + a1 * (f1 * t + p1).sin() + a2 * (f2 * t + p2).sin();
                top - y
            },
        );
        horizon += h * 0.13;
    }
    let things = if busy { 7 } else { 3 };
    for _ in 0..things {
        let x = w * dice.range(0.05, 0.95);
        let ground = h * dice.range(0.62, 0.9);
        let scale = h * 0.08 * (0.6 + ground / h);
        match dice.next() % 4 {
            // A tree.
            0 => {
                rectangle(
                    &mut picture,
                    hsl(25.0, 0.45, 0.25),
                    x - scale * 0.08,
                    ground - scale * 0.9,
                    x + scale * 0.08,
                    ground,
                );
                circle(
                    &mut picture,
                    hsl(hue + 90.0, 0.5, 0.3),
                    x,
                    ground - scale * 1.1,
                    scale * 0.45,
                );
            }
            // A house, or a school.
            1 => {
                let wall = hsl(hue + dice.range(0.0, 360.0), 0.35, 0.8);
                rectangle(
                    &mut picture,
                    wall,
                    x - scale * 0.6,
                    ground - scale * 0.8,
                    x + scale * 0.6,
                    ground,
                );
                roof(
                    &mut picture,
                    hsl(10.0, 0.55, 0.4),
                    x,
                    ground - scale * 1.3,
                    scale * 0.75,
                    ground - scale * 0.78,
                );
                rectangle(
                    &mut picture,
                    hsl(220.0, 0.3, 0.3),
                    x - scale * 0.12,
                    ground - scale * 0.45,
                    x + scale * 0.12,
                    ground,
                );
            }
            // A well.
            2 => {
                rectangle(
                    &mut picture,
                    hsl(30.0, 0.2, 0.6),
                    x - scale * 0.35,
                    ground - scale * 0.35,
                    x + scale * 0.35,
                    ground,
                );
                rectangle(
                    &mut picture,
                    hsl(30.0, 0.3, 0.3),
                    x - scale * 0.3,
                    ground - scale * 0.95,
                    x - scale * 0.24,
                    ground - scale * 0.35,
                );
                rectangle(
                    &mut picture,
                    hsl(30.0, 0.3, 0.3),
                    x + scale * 0.24,
                    ground - scale * 0.95,
                    x + scale * 0.3,
                    ground - scale * 0.35,
                );
                rectangle(
                    &mut picture,
                    hsl(30.0, 0.3, 0.3),
                    x - scale * 0.36,
                    ground - scale * 1.0,
                    x + scale * 0.36,
                    ground - scale * 0.92,
                );
                rectangle(
                    &mut picture,
                    hsl(205.0, 0.6, 0.45),
                    x - scale * 0.28,
                    ground - scale * 0.33,
                    x + scale * 0.28,
                    ground - scale * 0.22,
                );
            }
            // People.
            _ => {
                for i in 0..3 {
                    let px = x + (i as f32 - 1.0) * scale * 0.45;
                    let tall = scale * dice.range(0.7, 1.0);
                    let clothes = hsl(dice.range(0.0, 360.0), 0.6, 0.5);
                    roof(
                        &mut picture,
                        clothes,
                        px,
                        ground - tall * 0.75,
                        tall * 0.22,
                        ground,
                    );
                    circle(
                        &mut picture,
                        hsl(25.0, 0.45, dice.range(0.25, 0.6)),
                        px,
                        ground - tall * 0.86,
                        tall * 0.13,
                    );
                }
            }
        }
    }
    picture
}

/// A square logo: a disc of the organisation's hue with a shape of its own.
pub fn logo(seed: u64, side: u32) -> RgbImage {
    let mut dice = Dice(seed);
    let hue = dice.range(0.0, 360.0);
    let s = side as f32;
    let mut picture = RgbImage::from_pixel(side, side, hsl(hue, 0.35, 0.95));
    circle(
        &mut picture,
        hsl(hue, 0.6, 0.42),
        s / 2.0,
        s / 2.0,
        s * 0.46,
    );
    let light = hsl(hue + 30.0, 0.7, 0.9);
    match dice.next() % 4 {
        0 => {
            // A drop of water.
            circle(&mut picture, light, s / 2.0, s * 0.58, s * 0.17);
            roof(&mut picture, light, s / 2.0, s * 0.22, s * 0.15, s * 0.5);
        }
        1 => {
            // A sun over a hill.
            circle(
                &mut picture,
                hsl(45.0, 0.95, 0.65),
                s / 2.0,
                s * 0.42,
                s * 0.14,
            );
            fill(&mut picture, light, (0.0, s * 0.55, s, s), |x, y| {
                let top = s * 0.6 + s * 0.06 * ((x / s) * std::f32::consts::TAU).cos();
                top - y
            });
        }
        2 => {
            // A house.
            rectangle(&mut picture, light, s * 0.34, s * 0.48, s * 0.66, s * 0.72);
            roof(&mut picture, light, s / 2.0, s * 0.26, s * 0.24, s * 0.48);
            rectangle(
                &mut picture,
                hsl(hue, 0.6, 0.42),
                s * 0.46,
                s * 0.58,
                s * 0.54,
                s * 0.72,
            );
        }
        _ => {
            // Three people holding together.
            for (i, scale) in [0.8f32, 1.0, 0.8].into_iter().enumerate() {
                let x = s * (0.34 + 0.16 * i as f32);
                roof(
                    &mut picture,
                    light,
                    x,
                    s * (0.72 - 0.28 * scale),
                    s * 0.1 * scale,
                    s * 0.72,
                );
                circle(
                    &mut picture,
                    light,
                    x,
                    s * (0.72 - 0.34 * scale),
                    s * 0.065 * scale,
                );
            }
        }
    }
    // The logo's disc edge, cut clean from what was drawn past it.
    let ring = hsl(hue, 0.35, 0.95);
    fill(&mut picture, ring, (0.0, 0.0, s, s), |x, y| {
        s * 0.46 - ((x - s / 2.0).powi(2) + (y - s / 2.0).powi(2)).sqrt()
    });
    picture
}

/// A wide cover (3 : 1).
pub fn cover(seed: u64, width: u32) -> RgbImage {
    let mut dice = Dice(seed ^ 0xC0FE);
    let hue = Dice(seed).range(0.0, 360.0);
    landscape(width, width / 3, hue, &mut dice, false)
}

/// A photo (3 : 2), the `n`th of an organisation.
pub fn photo(seed: u64, n: u64, width: u32) -> RgbImage {
    let mut dice = Dice(seed.wrapping_add(n.wrapping_mul(0x5151)));
    let hue = Dice(seed).range(0.0, 360.0);
    landscape(width, width * 2 / 3, hue, &mut dice, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_draws_the_same_picture_and_others_differ() {
        let a = logo(seed("clean-rivers"), 96);
        assert_eq!(a, logo(seed("clean-rivers"), 96));
        assert_ne!(a, logo(seed("school-meals"), 96));
        let c = cover(seed("clean-rivers"), 300);
        assert_eq!(c.dimensions(), (300, 100));
        assert_eq!(photo(1, 2, 300).dimensions(), (300, 200));
        assert_ne!(photo(1, 2, 300), photo(1, 3, 300));
        // Not one flat colour.
        let first = c.get_pixel(0, 0);
        assert!(c.pixels().filter(|p| *p != first).count() > 1000);
    }
}
