import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeLine, levelOf, parseCriLine, parseDmesgLine, withoutTimestamp } from '../../src/core/logs/dmesg.js';

// Lines as machined's Dmesg handler formats them: "%s: %7s: [%s]: %s" (facility, priority
// right-aligned to 7, RFC3339Nano time, message).
const INFO = 'kern:    info: [2024-05-01T10:00:00.123456789Z]: NET: Registered PF_INET6 protocol family';
const WARN = 'user: warning: [2024-05-01T10:00:01.5Z]: [talos] task startAllServices (1/1): service "etcd" to be "up"';
const ERR = 'kern:     err: [2024-05-01T10:00:02Z]: EXT4-fs (sda6): bad geometry';
const EMERG = 'kern:   emerg: [2024-05-01T10:00:03.000001Z]: Kernel panic - not syncing';

describe('parseDmesgLine', () => {
  it('reads facility, severity, time and message', () => {
    expect(parseDmesgLine(INFO)).toEqual({
      facility: 'kern',
      severity: 'info',
      ts: Date.UTC(2024, 4, 1, 10, 0, 0, 123),
      tsText: '2024-05-01T10:00:00.123456789Z',
      message: 'NET: Registered PF_INET6 protocol family',
    });
    expect(parseDmesgLine(WARN)).toMatchObject({ facility: 'user', severity: 'warning', ts: Date.UTC(2024, 4, 1, 10, 0, 1, 500) });
    expect(parseDmesgLine(ERR)).toMatchObject({ severity: 'err', ts: Date.UTC(2024, 4, 1, 10, 0, 2), message: 'EXT4-fs (sda6): bad geometry' });
    expect(parseDmesgLine(EMERG)?.severity).toBe('emerg');
  });

  it('keeps a message that itself contains "]: "', () => {
    expect(parseDmesgLine('kern:    info: [2024-05-01T10:00:00Z]: a [x]: b')?.message).toBe('a [x]: b');
  });

  it('returns null for continuation lines and other text', () => {
    expect(parseDmesgLine(' SUBSYSTEM=acpi')).toBeNull();
    expect(parseDmesgLine('plain text')).toBeNull();
  });
});

describe('parseCriLine', () => {
  it('reads the CRI prefix', () => {
    expect(parseCriLine('2022-02-10T15:26:01.289208227Z stderr F 2022/02/10 15:26:01 [notice] 1#1: using the "epoll" event method')).toEqual({
      ts: Date.UTC(2022, 1, 10, 15, 26, 1, 289),
      tsText: '2022-02-10T15:26:01.289208227Z',
      stream: 'stderr',
      partial: false,
      message: '2022/02/10 15:26:01 [notice] 1#1: using the "epoll" event method',
    });
  });

  it('flags partial lines and accepts an empty message', () => {
    expect(parseCriLine('2024-01-01T00:00:00Z stdout P part')).toMatchObject({ partial: true, message: 'part' });
    expect(parseCriLine('2024-01-01T00:00:00Z stdout F')).toMatchObject({ partial: false, message: '' });
    expect(parseCriLine('not cri')).toBeNull();
  });
});

describe('analyzeLine (timestamps toggle + severity)', () => {
  it('dmesg: hides "[time]: " and keeps facility and severity', () => {
    const info = analyzeLine('dmesg', INFO);
    expect(info.severity).toBe('info');
    expect(withoutTimestamp(INFO, info)).toBe('kern:    info: NET: Registered PF_INET6 protocol family');
    expect(withoutTimestamp(ERR, analyzeLine('dmesg', ERR))).toBe('kern:     err: EXT4-fs (sda6): bad geometry');
  });

  it('cri: hides the whole "time stream tag " prefix', () => {
    const l = '2024-05-01T10:00:00.5Z stdout F level=error msg="boom"';
    const info = analyzeLine('cri', l);
    expect(withoutTimestamp(l, info)).toBe('level=error msg="boom"');
    expect(info.ts).toBe(Date.UTC(2024, 4, 1, 10, 0, 0, 500));
    expect(info.severity).toBe('err');
  });

  it('service: leading RFC3339 and Go log stamps (with machined\'s "[talos] ")', () => {
    const a = '2024-05-01T10:00:00.000Z INFO apid started';
    expect(withoutTimestamp(a, analyzeLine('service', a))).toBe('INFO apid started');
    const b = '[talos] 2024/05/01 10:00:07.250000 service[etcd](Running): Health check successful';
    const info = analyzeLine('service', b);
    expect(info.ts).toBe(Date.UTC(2024, 4, 1, 10, 0, 7, 250));
    expect(withoutTimestamp(b, info)).toBe('[talos] service[etcd](Running): Health check successful');
    const c = 'plain output without time';
    expect(withoutTimestamp(c, analyzeLine('service', c))).toBe(c);
  });

  it('service: logfmt and JSON levels map to syslog severities', () => {
    expect(levelOf('time="2024-05-01T10:00:00Z" level=warning msg="x"')).toBe('warning');
    expect(levelOf('{"level":"error","msg":"failed"}')).toBe('err');
    expect(levelOf('{"level":"fatal"}')).toBe('crit');
    expect(levelOf('the word level alone')).toBeUndefined();
    expect(levelOf('level=errors level=Warn')).toBe('warning');
    expect(levelOf('LEVEL:"ERR" x')).toBe('err');
  });

  it('levelOf reads the level the same way as the plain regex, whatever the text', () => {
    const re = /\blevel[=":]{1,3}"?(panic|fatal|error|err|warning|warn|notice|info|debug|trace)\b/i;
    const byRegex = (t: string) => {
      const m = re.exec(t);
      if (!m) return undefined;
      const w = m[1]!.toLowerCase();
      return ({ panic: 'crit', fatal: 'crit', error: 'err', err: 'err', warning: 'warning', warn: 'warning', notice: 'notice', info: 'info' } as Record<string, string>)[w] ?? 'debug';
    };
    const token = fc.constantFrom('level', 'LEVEL', 'Level', 'xlevel', '=', '"', ':', '":"', ' ', '_', '9', 'err', 'ERROR', 'errors', 'warn', 'Warning', 'info', 'trace', 'debugx', 'panic', 'fatal', 'notice', 'msg');
    fc.assert(fc.property(fc.array(token, { maxLength: 12 }), (parts) => {
      const t = parts.join('');
      expect(levelOf(t)).toBe(byRegex(t));
    }), { numRuns: 3000 });
  });
});
