'use strict';
const fs = require('node:fs');

/** What was appended to `file` since `offset`, and the new offset (nothing when the file does not exist). */
const readFrom = (file, offset) => {
  let fd;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return { text: '', offset };
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size <= offset) return { text: '', offset };
    const buffer = Buffer.alloc(size - offset);
    fs.readSync(fd, buffer, 0, buffer.length, offset);
    return { text: buffer.toString('utf8'), offset: size };
  } finally {
    fs.closeSync(fd);
  }
};

/** The size of `file` now (0 when it does not exist): an offset to read from later. */
const sizeOf = (file) => (fs.existsSync(file) ? fs.statSync(file).size : 0);

/** The complete lines appended to `file` since the last call. */
const tailer = (file) => {
  let offset = 0;
  let partial = '';
  return () => {
    const read = readFrom(file, offset);
    offset = read.offset;
    if (!read.text) return [];
    const lines = (partial + read.text).split('\n');
    partial = lines.pop();
    return lines;
  };
};

module.exports = { readFrom, sizeOf, tailer };
