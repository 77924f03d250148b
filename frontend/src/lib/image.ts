// Photos are shrunk on the phone before upload: a 12-megapixel photo
// becomes a ~200-400 KB JPEG, which uploads on a weak mobile connection.
// Re-encoding through a canvas also drops EXIF (the server strips it too).

export const MAX_PHOTOS = 4
export const MAX_DIMENSION = 1600

/** fitWithin scales (w, h) down to fit max on the longer side, keeping the ratio. */
export function fitWithin(w: number, h: number, max = MAX_DIMENSION): { width: number; height: number } {
  if (w <= max && h <= max) return { width: w, height: h }
  const s = max / Math.max(w, h)
  return { width: Math.max(1, Math.round(w * s)), height: Math.max(1, Math.round(h * s)) }
}

/** compressImage returns a JPEG no larger than MAX_DIMENSION on its longer side. */
export async function compressImage(file: Blob, quality = 0.8, max = MAX_DIMENSION): Promise<Blob> {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' })
  try {
    const { width, height } = fitWithin(bitmap.width, bitmap.height, max)
    const canvas = document.createElement('canvas')
    canvas.width = width
    canvas.height = height
    const ctx = canvas.getContext('2d')
    if (!ctx) return file
    ctx.drawImage(bitmap, 0, 0, width, height)
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', quality))
    // Keep the original when re-encoding does not help (already small).
    return blob && blob.size < file.size ? blob : file
  } finally {
    bitmap.close()
  }
}
