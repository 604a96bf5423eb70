import { describe, expect, it } from '@jest/globals';
import {
  contentTypeFor,
  validateBlobKey,
  validateBlobPrefix,
  validateContentType,
} from '../../../src/application/shared/blob-key.js';

const problem = (key: unknown) => {
  try {
    validateBlobKey(key);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

describe('validateBlobKey', () => {
  it('accepts relative POSIX paths of safe segments', () => {
    for (const key of ['a', 'dramas/4f1c/episodes/1/episode.mp4', 'x_y-z.1/A.B', 'a..b/c']) {
      expect(validateBlobKey(key)).toBe(key);
    }
  });

  it.each([
    ['../x', '".." segments'],
    ['a/../b', '".." segments'],
    ['./a', '"." segments'],
    ['/abs', 'no leading "/"'],
    ['a//b', 'empty path segment'],
    ['a/', 'empty path segment'],
    ['a\\b', 'backslash'],
    ['..\\x', 'backslash'],
    ['%2e%2e/x', 'only letters, digits'],
    ['%252e%252e/x', 'only letters, digits'],
    ['a\0b', 'NUL'],
    ['', 'must not be empty'],
    ['.hidden', 'must not start with "."'],
    ['a/.b.type', 'must not start with "."'],
    ['a b', 'only letters, digits'],
    ['剧/1.mp4', 'only letters, digits'],
    ['x'.repeat(1025), 'longer than 1024'],
    ['x'.repeat(201), 'longer than 200'],
    [Array(33).fill('a').join('/'), 'more than 32'],
  ])('refuses %j, naming the problem', (key, expected) => {
    const message = problem(key);
    expect(message).toContain(expected);
    expect(message).toMatch(/^invalid media key /);
  });

  it('refuses non-strings', () => {
    expect(problem(42)).toContain('must be a string');
  });
});

describe('validateBlobPrefix', () => {
  it('accepts "", folders and partial keys; refuses traversal', () => {
    expect(validateBlobPrefix('')).toBe('');
    expect(validateBlobPrefix('dramas/1/')).toBe('dramas/1/');
    expect(validateBlobPrefix('dramas/1/ep')).toBe('dramas/1/ep');
    expect(() => validateBlobPrefix('../')).toThrow(/".." segments/);
    expect(() => validateBlobPrefix('/')).toThrow();
    expect(() => validateBlobPrefix('a//')).toThrow(/empty path segment/);
  });
});

describe('contentTypeFor', () => {
  it.each([
    ['v/episode.mp4', 'video/mp4'],
    ['v/clip.WEBM', 'video/webm'],
    ['i/card.png', 'image/png'],
    ['i/a.jpg', 'image/jpeg'],
    ['i/a.jpeg', 'image/jpeg'],
    ['i/a.webp', 'image/webp'],
    ['a/line.wav', 'audio/wav'],
    ['a/line.mp3', 'audio/mpeg'],
    ['a/line.m4a', 'audio/mp4'],
    ['s/ep.srt', 'application/x-subrip'],
    ['s/ep.vtt', 'text/vtt; charset=utf-8'],
    ['s/ep.ass', 'text/x-ssa; charset=utf-8'],
    ['d/script.json', 'application/json'],
    ['d/notes.txt', 'text/plain; charset=utf-8'],
    ['d/blob.bin', 'application/octet-stream'],
    ['d/noext', 'application/octet-stream'],
    ['mp4', 'application/octet-stream'],
  ])('%s → %s', (key, type) => {
    expect(contentTypeFor(key)).toBe(type);
  });
});

describe('validateContentType', () => {
  it('defaults to the extension and refuses header injection', () => {
    expect(validateContentType(undefined, 'a.mp4')).toBe('video/mp4');
    expect(validateContentType('video/quicktime', 'a.mov')).toBe('video/quicktime');
    expect(() => validateContentType('text/html\r\nSet-Cookie: x=1', 'a.txt')).toThrow(
      /invalid content type/,
    );
    expect(() => validateContentType('nonsense', 'a.txt')).toThrow(/invalid content type/);
  });
});
