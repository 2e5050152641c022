const BLOCK = 512

/**
 * A tar archive (ustar) of small text files, for the Docker API's archive upload: how a secret
 * reaches a container without passing through its environment or command line. Paths are relative
 * to the upload's target folder; every file is mode 0644 (the container's own account reads it).
 */
export function tarArchive(files: Record<string, string>): Buffer {
  const parts = Object.entries(files).flatMap(([path, content]) => fileEntry(path, Buffer.from(content)))
  return Buffer.concat([...parts, Buffer.alloc(BLOCK * 2)])
}

function fileEntry(path: string, content: Buffer): Buffer[] {
  const padding = Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK)
  return [header(path, content.length), content, padding]
}

function header(path: string, size: number): Buffer {
  if (Buffer.byteLength(path) > 100) throw new Error(`tar path longer than 100 bytes: ${path}`)
  const block = Buffer.alloc(BLOCK)
  block.write(path, 0)
  block.write(octal(0o644, 8), 100)
  block.write(octal(0, 8), 108)
  block.write(octal(0, 8), 116)
  block.write(octal(size, 12), 124)
  block.write(octal(Math.floor(Date.now() / 1000), 12), 136)
  block.write('        ', 148)
  block.write('0', 156)
  block.write('ustar\u000000', 257)
  const checksum = block.reduce((sum, byte) => sum + byte, 0)
  block.write(`${checksum.toString(8).padStart(6, '0')}\u0000 `, 148)
  return block
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\u0000`
}
