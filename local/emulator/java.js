'use strict';
const { spawnSync } = require('node:child_process');

const INSTALL_HINT = [
  'DynamoDB Local needs Java 17 or newer, and none was found on PATH.',
  'Install it, then run the command again:',
  '  Debian/Ubuntu:  sudo apt-get install -y openjdk-17-jre-headless',
  '  Fedora/RHEL:    sudo dnf install -y java-17-openjdk-headless',
  '  macOS:          brew install openjdk@17',
  '  Windows:        winget install EclipseAdoptium.Temurin.17.JRE',
].join('\n');

/** Returns the major version of `java` on PATH, or undefined when there is none. */
const javaMajorVersion = (java = process.env.JAVA_BIN || 'java') => {
  const result = spawnSync(java, ['-version'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major; // "1.8" means Java 8
};

class JavaMissingError extends Error {
  constructor(found) {
    super(found === undefined ? INSTALL_HINT : `${INSTALL_HINT.replace('and none was found on PATH', `found Java ${found}`)}`);
    this.name = 'JavaMissingError';
  }
}

const assertJava = () => {
  const major = javaMajorVersion();
  if (major === undefined || major < 17) throw new JavaMissingError(major);
  return major;
};

module.exports = { assertJava, javaMajorVersion, JavaMissingError, INSTALL_HINT };
