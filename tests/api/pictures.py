"""Pictures for the upload tests, made and read by Pillow (a reading of JPEG, PNG, WebP and
EXIF that nobody here wrote).

    make FORMAT WIDTH HEIGHT ORIENTATION OUT   a picture whose left half (as it should be
                                               seen) is blue and right half yellow, with
                                               EXIF: a GPS position, a camera, and the
                                               orientation given (1: none, 6: turn it a
                                               quarter clockwise to see it upright)
    bomb OUT                                   a 40,000 × 40,000 PNG of a few hundred kB
    inspect FILE                               JSON: format, size, what metadata remains,
                                               the colours at the left and right middle
    s3get ENDPOINT BUCKET KEY OUT              an object of an S3 bucket, read with boto3
                                               (signed, as a client of the bucket would):
                                               exit status 4 when there is no such object
"""

import json
import sys

from PIL import Image

BLUE = (0, 0, 255)
YELLOW = (255, 200, 0)


def upright(width, height):
    picture = Image.new("RGB", (width, height), YELLOW)
    picture.paste(BLUE, (0, 0, width // 2, height))
    return picture


def make(fmt, width, height, orientation, out):
    picture = upright(width, height)
    if orientation == 6:
        # Stored turned a quarter anticlockwise; orientation 6 asks viewers to turn it back.
        picture = picture.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"
    exif[0x0110] = "Camera model"
    exif[0x0112] = orientation
    # GPS: 12°30'N, 1°15'W — where someone lives.
    exif[0x8825] = {1: "N", 2: (12.0, 30.0, 0.0), 3: "W", 4: (1.0, 15.0, 0.0)}
    options = {"exif": exif.tobytes()}
    if fmt == "JPEG":
        options["quality"] = 92
    if fmt == "WEBP":
        options["quality"] = 90
    picture.save(out, fmt, **options)


def bomb(out):
    Image.MAX_IMAGE_PIXELS = None
    Image.new("1", (40000, 40000), 0).save(out, "PNG", optimize=True)


def colour(picture, x, y):
    return list(picture.convert("RGB").getpixel((x, y)))


def inspect(path):
    with Image.open(path) as picture:
        picture.load()
        width, height = picture.size
        exif = picture.getexif()
        print(
            json.dumps(
                {
                    "format": picture.format,
                    "width": width,
                    "height": height,
                    "exif": len(exif),
                    "gps": len(exif.get_ifd(0x8825)),
                    # What Pillow reports of a file beyond its pixels, less what describes the
                    # encoding itself (JFIF density, WebP's frame timing, …).
                    "info": sorted(k for k in picture.info if k not in ("dpi", "jfif", "jfif_version", "jfif_unit", "jfif_density", "loop", "background", "duration", "lossless", "timestamp")),
                    "left": colour(picture, width // 8, height // 2),
                    "right": colour(picture, width - 1 - width // 8, height // 2),
                    "mode": picture.mode,
                }
            )
        )


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "make":
        make(args[0], int(args[1]), int(args[2]), int(args[3]), args[4])
    elif command == "bomb":
        bomb(args[0])
    elif command == "inspect":
        inspect(args[0])
    elif command == "s3get":
        import boto3
        from botocore.exceptions import ClientError

        client = boto3.client(
            "s3",
            endpoint_url=args[0],
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        try:
            body = client.get_object(Bucket=args[1], Key=args[2])["Body"].read()
        except ClientError as error:
            if error.response["Error"]["Code"] in ("NoSuchKey", "404"):
                sys.exit(4)
            raise
        with open(args[3], "wb") as out:
            out.write(body)
    else:
        sys.exit(f"unknown command {command}")
