;; The pre-pass's hot loop (Writer.lines in ../numbered.ts) as WebAssembly: number every line of quote-free text.
;;
;; For each line feed from `in` on, the line's text (a trailing CR is not part of it) is written to `out` as
;;     <line><sep><text>\n
;; and a line whose text is empty is no record (nothing is written, but it has a number). Exactly what the JavaScript
;; loop writes, byte for byte (wasm/lines.test.ts compares the two); only faster: the JavaScript loop makes two native
;; calls per record (indexOf, copyWithin), this one scans and copies 16 bytes at a time and keeps the line number as
;; decimal digits that it increments in place.
;;
;; Memory, set up by wasm/lines.ts:
;;   [0, 32)      the current line number's digits, right-aligned to end at 32. A number of at most 8 digits is
;;                copied with one 8-byte load and store; what it carries past the digits is overwritten next.
;;   [64, ...)    the input, then a gap of at least 16 bytes, then the output
;; The output needs at most 10 bytes per input byte, plus 64: the densest input, `a\n` at 16-digit line numbers,
;; makes 19 bytes of 2 (and every store runs at most 16 bytes past the last record).
(module
  (memory (export "memory") 1)
  ;; What the last call did: the input offset after the last line feed (`in` when there was none), the lines
  ;; consumed, the records written.
  (global $end (export "end") (mut i32) (i32.const 0))
  (global $lines (export "lines") (mut i32) (i32.const 0))
  (global $records (export "records") (mut i32) (i32.const 0))

  ;; Numbers the lines of [in, inEnd), the first one `line` (an integer below 2^53), into `out`; returns the end of
  ;; the output (the text after the last line feed is left for the caller).
  (func (export "number")
    (param $in i32) (param $inEnd i32) (param $out i32) (param $line f64) (param $sep i32) (result i32)
    (local $p i32)          ;; next input byte
    (local $o i32)          ;; next output byte
    (local $committed i32)  ;; end of the output after the last record
    (local $text i32)       ;; where the current line's text starts in the output
    (local $first i32)      ;; the first digit of the current line number, in [0, 32)
    (local $digits i32)
    (local $i i32)
    (local $c i32)
    (local $v v128)
    (local $mask i32)
    (local $n f64)
    (local $q f64)
    (local.set $p (local.get $in))
    (local.set $o (local.get $out))
    (local.set $committed (local.get $out))
    (global.set $end (local.get $in))
    (global.set $lines (i32.const 0))
    (global.set $records (i32.const 0))
    ;; the digits of `line`
    (local.set $first (i32.const 32))
    (local.set $n (local.get $line))
    (loop $digit
      (local.set $q (f64.floor (f64.div (local.get $n) (f64.const 10))))
      (local.set $first (i32.sub (local.get $first) (i32.const 1)))
      (i32.store8 (local.get $first)
        (i32.add (i32.const 48)
          (i32.trunc_f64_u (f64.sub (local.get $n) (f64.mul (local.get $q) (f64.const 10))))))
      (local.set $n (local.get $q))
      (br_if $digit (f64.gt (local.get $n) (f64.const 0))))
    (block $done
      (loop $line
        ;; the prefix of the line starting at $p: its number and the separator
        (local.set $digits (i32.sub (i32.const 32) (local.get $first)))
        (if (i32.le_u (local.get $digits) (i32.const 8))
          (then (i64.store align=1 (local.get $o) (i64.load align=1 (local.get $first))))
          (else (memory.copy (local.get $o) (local.get $first) (local.get $digits))))
        (local.set $o (i32.add (local.get $o) (local.get $digits)))
        (i32.store8 (local.get $o) (local.get $sep))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (local.set $text (local.get $o))
        ;; copy 16 bytes at a time up to and including the line feed
        (loop $block
          (br_if $done (i32.ge_u (local.get $p) (local.get $inEnd)))
          (local.set $v (v128.load align=1 (local.get $p)))
          (v128.store align=1 (local.get $o) (local.get $v))
          (local.set $mask (i8x16.bitmask (i8x16.eq (local.get $v) (i8x16.splat (i32.const 10)))))
          (if (i32.lt_u (i32.sub (local.get $inEnd) (local.get $p)) (i32.const 16))
            (then ;; the bytes past inEnd are not input
              (local.set $mask (i32.and (local.get $mask)
                (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $inEnd) (local.get $p))) (i32.const 1))))
              (br_if $done (i32.eqz (local.get $mask)))))
          (if (i32.eqz (local.get $mask))
            (then
              (local.set $p (i32.add (local.get $p) (i32.const 16)))
              (local.set $o (i32.add (local.get $o) (i32.const 16)))
              (br $block))))
        ;; the line feed is at $p + ctz(mask); its text is [text, o - 1) of the output
        (local.set $c (i32.add (i32.ctz (local.get $mask)) (i32.const 1)))
        (local.set $p (i32.add (local.get $p) (local.get $c)))
        (local.set $o (i32.add (local.get $o) (local.get $c)))
        (if (i32.and (i32.gt_u (i32.sub (local.get $o) (i32.const 1)) (local.get $text))
                     (i32.eq (i32.load8_u (i32.sub (local.get $o) (i32.const 2))) (i32.const 13)))
          (then ;; a trailing CR: the line feed takes its place
            (local.set $o (i32.sub (local.get $o) (i32.const 1)))
            (i32.store8 (i32.sub (local.get $o) (i32.const 1)) (i32.const 10))))
        (if (i32.gt_u (i32.sub (local.get $o) (i32.const 1)) (local.get $text))
          (then
            (global.set $records (i32.add (global.get $records) (i32.const 1)))
            (local.set $committed (local.get $o)))
          (else (local.set $o (local.get $committed)))) ;; an empty line: take its prefix back
        (global.set $lines (i32.add (global.get $lines) (i32.const 1)))
        (global.set $end (local.get $p))
        ;; the next line number: add one to the digits
        (local.set $i (i32.const 31))
        (block $added
          (loop $carry
            (local.set $c (i32.load8_u (local.get $i)))
            (if (i32.lt_u (local.get $c) (i32.const 57))
              (then (i32.store8 (local.get $i) (i32.add (local.get $c) (i32.const 1))) (br $added)))
            (i32.store8 (local.get $i) (i32.const 48))
            (local.set $i (i32.sub (local.get $i) (i32.const 1)))
            (br_if $carry (i32.ge_u (local.get $i) (local.get $first))))
          ;; it was all nines: one more digit
          (local.set $first (i32.sub (local.get $first) (i32.const 1)))
          (i32.store8 (local.get $first) (i32.const 49)))
        (br $line)))
    (local.get $committed))
)
