#!/bin/sh
# End-to-end tests of `ektp abis ...` on real FVC prints and synthetic templates: every
# subcommand's output (files and JSON) and its refusal of bad input (non-zero exit, a message
# naming the problem, never a crash).
# Usage: abis_cli_test.sh EKTP_BINARY FVC_SET_DIR (a 10 fingers x 8 impressions FVC "B" set, 500 ppi)
set -eu

# Absolute paths: the tests run inside their temporary folder.
ektp=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
fvc=$(cd "$2" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

count=0
failed=0
pass() { count=$((count + 1)); echo "ok $count - $1"; }
fail() { count=$((count + 1)); failed=$((failed + 1)); echo "not ok $count - $1"; }

# check DESCRIPTION COMMAND...: passes when the command exits 0.
check() {
  description=$1
  shift
  if "$@"; then pass "$description"; else fail "$description"; fi
}

# refuses DESCRIPTION PATTERN COMMAND...: passes when the command exits non-zero but not by a
# signal (an abort reads as 128 + signal) and says PATTERN on stderr.
refuses() {
  description=$1
  pattern=$2
  shift 2
  status=0
  "$@" >refused.out 2>refused.err || status=$?
  if [ "$status" -ne 0 ] && [ "$status" -lt 128 ] && grep -q -- "$pattern" refused.err; then
    pass "$description"
  else
    fail "$description (exit $status, stderr: $(head -c 300 refused.err))"
  fi
}

# json FILE EXPRESSION: FILE is exactly one JSON object (one line) and the Python EXPRESSION
# over it (as j) is true.
json() {
  python3 - "$1" "$2" <<'EOF'
import json, sys
text = open(sys.argv[1]).read()
try:
    j = json.loads(text)
    ok = len(text.splitlines()) == 1 and isinstance(j, dict) and eval("(" + sys.argv[2] + ")", {"j": j})
except Exception:
    ok = False
if not ok:
    print("  got: " + text.strip()[:400], file=sys.stderr)
sys.exit(0 if ok else 1)
EOF
}

# png FILE: a PNG signature and a non-empty IHDR.
png() {
  python3 - "$1" <<'EOF'
import struct, sys
b = open(sys.argv[1], "rb").read()
ok = b[:8] == b"\x89PNG\r\n\x1a\n" and b[12:16] == b"IHDR"
w, h = struct.unpack(">II", b[16:24]) if ok else (0, 0)
sys.exit(0 if ok and w > 0 and h > 0 else 1)
EOF
}

# score A B: the last line of `abis match` is "score S".
score() { "$ektp" abis match "$1" "$2" | awk '/^score / {print $2}'; }
greater() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a > b) }'; }

### extract
check "extract writes a template and reports it" \
  sh -c "\"$ektp\" abis extract \"$fvc/101_1.tif\" a.tpl --debug stages >extract.json"
check "extract JSON: minutiae, native format, byte count of the file" \
  json extract.json "j['minutiae'] > 10 and j['format'] == 'ektp-v1' and j['bytes'] == $(wc -c <a.tpl)"
check "the template starts with the EKFT magic" test "$(head -c 4 a.tpl)" = EKFT
check "--debug writes the stage images, scaled image to skeleton and minutiae" \
  sh -c 'ls stages | grep -q "^1-scaled-image.png$" && ls stages | grep -q -- "-skeleton.png$" &&
         ls stages | grep -q -- "-minutiae.png$" && [ "$(ls stages | wc -l)" -ge 6 ]'
all_png=0
for stage in stages/*; do png "$stage" || all_png=1; done
check "every stage image is a valid PNG" test "$all_png" -eq 0

check "extract --iso writes an ISO/IEC 19794-2 record" \
  sh -c "\"$ektp\" abis extract \"$fvc/101_1.tif\" a.iso --iso >iso.json"
check "extract --iso JSON names the ISO format" json iso.json "j['format'] == 'iso19794-2:2005'"
check "the ISO record: FMR magic, version 20, record length and minutia count agree" python3 -c '
import json, struct, sys
b = open("a.iso", "rb").read()
n = json.load(open("iso.json"))["minutiae"]
sys.exit(0 if b[:8] == b"FMR\0 20\0" and struct.unpack(">I", b[8:12])[0] == len(b) and b[27] == n
         and len(b) == 30 + 6 * n else 1)'
iso_vs_native=$(score a.iso a.tpl)
check "the ISO record matches the native template of the same image ($iso_vs_native)" greater "$iso_vs_native" 0.9

# The same 500 ppi image declared at 250 ppi is enlarged twice before extraction, at 1000 ppi
# halved: a larger print area shows more minutiae.
"$ektp" abis extract "$fvc/101_1.tif" low.tpl --dpi 250 >dpi250.json
"$ektp" abis extract "$fvc/101_1.tif" high.tpl --dpi 1000 >dpi1000.json
check "--dpi rescales: more minutiae at 250 ppi than at 1000 ppi" python3 -c '
import json, sys
sys.exit(0 if json.load(open("dpi250.json"))["minutiae"] > json.load(open("dpi1000.json"))["minutiae"] else 1)'
refuses "extract --dpi 100 is refused" "outside 250..1200" "$ektp" abis extract "$fvc/101_1.tif" x.tpl --dpi 100
refuses "extract --dpi 1201 is refused" "outside 250..1200" "$ektp" abis extract "$fvc/101_1.tif" x.tpl --dpi 1201
refuses "extract --dpi abc is refused" "dpi" "$ektp" abis extract "$fvc/101_1.tif" x.tpl --dpi abc
refuses "extract of a missing image names it" "cannot read missing.tif" "$ektp" abis extract missing.tif x.tpl
echo "not an image" >notes.tif
refuses "extract of a non-image is refused" "could not be decoded" "$ektp" abis extract notes.tif x.tpl
refuses "extract --debug under a regular file is refused" "cannot create debug directory" \
  "$ektp" abis extract "$fvc/101_1.tif" x.tpl --debug a.tpl/stages
refuses "extract to an unwritable path is refused" "cannot write" \
  "$ektp" abis extract "$fvc/101_1.tif" no-such-dir/x.tpl

### match
genuine=$(score "$fvc/103_1.tif" "$fvc/103_2.tif")
impostor=$(score "$fvc/103_1.tif" "$fvc/104_1.tif")
check "match: two impressions of one finger ($genuine) beat two fingers ($impostor)" greater "$genuine" "$impostor"
refuses "match of a non-image names it" "notes.tif is neither a template nor an image" \
  "$ektp" abis match notes.tif a.tpl

### enroll and identify
# Persons 1..3 with two fingers each from the FVC set (first impressions); fingers 107..110 are
# never enrolled.
enroll_ok=0
for person in 1 2 3; do
  for position in 1 2; do
    finger=$((100 + 2 * person - 2 + position))
    "$ektp" abis enroll g.gal "$fvc/${finger}_1.tif" --person "$person" --finger "$position" >enroll.json ||
      enroll_ok=1
  done
done
check "enroll six fingers of three persons into a new gallery" test "$enroll_ok" -eq 0
check "enroll JSON counts persons and fingers" json enroll.json "j['persons'] == 3 and j['fingers'] == 6"

"$ektp" abis identify g.gal "2:$fvc/104_3.tif" >one.json
check "identify one finger: the enrolled person is the first candidate, far ahead" \
  json one.json "j['candidates'][0]['person'] == 2 and j['candidates'][0]['score'] > 0.1 and
                 all(c['score'] < 0.1 for c in j['candidates'][1:])"
"$ektp" abis identify g.gal "1:$fvc/103_4.tif" "2:$fvc/104_4.tif" >two.json
check "identify two fingers: the right person first with both fingers compared" \
  json two.json "j['candidates'][0]['person'] == 2 and j['candidates'][0]['fingers'] == 2"
"$ektp" abis identify g.gal "1:$fvc/107_2.tif" --threshold 0.1 >none.json
check "identify a finger never enrolled: no candidate above the threshold" json none.json "j['candidates'] == []"
"$ektp" abis identify g.gal "1:$fvc/101_5.tif" --candidates 1 >best.json
check "identify --candidates 1 gives the best candidate only" \
  json best.json "len(j['candidates']) == 1 and j['candidates'][0]['person'] == 1"

cp g.gal before.gal
refuses "enroll of a finger already enrolled is refused" "already enrolled" \
  "$ektp" abis enroll g.gal "$fvc/101_2.tif" --person 1 --finger 1
refuses "enroll at position 11 is refused" "finger position must be 1..10" \
  "$ektp" abis enroll g.gal "$fvc/101_2.tif" --person 4 --finger 11
refuses "enroll with a negative person id is refused" "must not be negative" \
  "$ektp" abis enroll g.gal "$fvc/101_2.tif" --person -1 --finger 1
check "a refused enrolment leaves the gallery file as it was" cmp -s g.gal before.gal

python3 - <<'EOF'
b = bytearray(open("g.gal", "rb").read())
flipped = bytearray(b)
flipped[len(b) // 2] ^= 0x01
open("flipped.gal", "wb").write(flipped)
open("truncated.gal", "wb").write(b[: len(b) // 2])
open("header-only.gal", "wb").write(b[:4])
EOF
cp flipped.gal flipped-before.gal
refuses "identify on a gallery with a flipped byte names the file and the checksum" \
  "flipped.gal: gallery: checksum mismatch" "$ektp" abis identify flipped.gal "2:$fvc/104_3.tif"
refuses "identify on a truncated gallery is refused" "truncated.gal: gallery:" \
  "$ektp" abis identify truncated.gal "2:$fvc/104_3.tif"
refuses "identify on a gallery cut inside its header is refused" "header-only.gal: gallery: bad magic or truncated" \
  "$ektp" abis identify header-only.gal "2:$fvc/104_3.tif"
refuses "enroll into a corrupted gallery is refused" "checksum mismatch" \
  "$ektp" abis enroll flipped.gal "$fvc/110_1.tif" --person 9 --finger 1
check "and leaves the corrupted file for inspection" cmp -s flipped.gal flipped-before.gal
refuses "identify on a missing gallery is refused" "cannot read missing.gal" \
  "$ektp" abis identify missing.gal "2:$fvc/104_3.tif"
refuses "identify with a probe without position is refused" "POSITION:PATH" \
  "$ektp" abis identify g.gal "$fvc/104_3.tif"
refuses "identify with a probe at position 0 is refused" "POSITION 1..10" \
  "$ektp" abis identify g.gal "0:$fvc/104_3.tif"
refuses "identify with one position given twice is refused" "position 2 is given twice" \
  "$ektp" abis identify g.gal "2:$fvc/104_3.tif" "2:$fvc/104_4.tif"
refuses "identify --candidates 0 is refused" "candidates" \
  "$ektp" abis identify g.gal "2:$fvc/104_3.tif" --candidates 0
refuses "identify --threshold nan is refused" "threshold must be a finite number" \
  "$ektp" abis identify g.gal "2:$fvc/104_3.tif" --threshold nan

### eval: the FVC protocol on 4 fingers x 3 impressions
mkdir set
for finger in 101 102 103 104; do
  for impression in 1 2 3; do cp "$fvc/${finger}_${impression}.tif" set/; done
done
echo "not part of the set" >set/README
# FVC: genuine = every pair of impressions of one finger = 4 * C(3,2) = 12; impostor = first
# impressions of two fingers = C(4,2) = 6, or every cross-finger pair = C(12,2) - 12 = 54.
"$ektp" abis eval set --det det.png >eval.json
rates="all(0 <= j[k] <= 1 for k in ('eer', 'fmr100', 'fmr1000', 'zero_fmr'))"
check "eval without meta.json: 500 ppi, FVC pair counts, rates in [0, 1], no failure to extract" \
  json eval.json "j['dataset'] == 'set' and j['dpi'] == 500 and j['genuine'] == 12 and j['impostor'] == 6 and
                  j['failures_to_extract'] == 0 and $rates"
check "eval separates these fingers: EER below 10 %" json eval.json "j['eer'] < 0.1"
check "eval --det writes a PNG" png det.png
"$ektp" abis eval set --impostors all >eval-all.json
check "eval --impostors all: every cross-finger pair" \
  json eval-all.json "j['genuine'] == 12 and j['impostor'] == 54 and $rates"
printf '{"name": "test", "dpi": 569}\n' >set/meta.json
"$ektp" abis eval set >eval-meta.json
check "eval takes the resolution from meta.json" json eval-meta.json "j['dpi'] == 569 and j['genuine'] == 12"
"$ektp" abis eval set/ --dpi 500 >eval-dpi.json
check "eval --dpi overrides meta.json; a trailing slash keeps the set's name" \
  json eval-dpi.json "j['dpi'] == 500 and j['dataset'] == 'set'"
refuses "eval --dpi 100 is refused" "not in range 250 to 1200" "$ektp" abis eval set --dpi 100
refuses "eval --dpi -5 is refused" "not in range 250 to 1200" "$ektp" abis eval set --dpi -5
refuses "eval --impostors other is refused" "fvc,all" "$ektp" abis eval set --impostors other
printf '{"dpi": 9000}\n' >set/meta.json
refuses "eval with a meta.json dpi out of range names the file" 'set/meta.json: "dpi" must be an integer' \
  "$ektp" abis eval set
printf 'dpi=500\n' >set/meta.json
refuses "eval with a meta.json that is not JSON names the file" "set/meta.json is not a JSON object" \
  "$ektp" abis eval set
rm set/meta.json
echo "not an image" >set/105_1.tif
refuses "eval with a non-image named like an impression names the file" "set/105_1.tif: image could not be decoded" \
  "$ektp" abis eval set
rm set/105_1.tif
cp set/101_1.tif set/101_1.png
refuses "eval with two files for one impression is refused" "two images of finger 101 impression 1" \
  "$ektp" abis eval set
rm set/101_1.png
refuses "eval of a missing folder is refused" "missing-set is not a directory" "$ektp" abis eval missing-set
refuses "eval of a file is refused" "is not a directory" "$ektp" abis eval a.tpl
mkdir empty
refuses "eval of an empty folder is refused" "no <finger>_<impression> images in empty" "$ektp" abis eval empty
mkdir single
cp "$fvc/101_1.tif" "$fvc/102_1.tif" single/
refuses "eval with one impression per finger (no genuine pair) is refused" "no genuine pairs" \
  "$ektp" abis eval single
mkdir huge
cp "$fvc/101_1.tif" huge/99999999999_1.tif
refuses "eval with a finger number past int is refused" "out of range" "$ektp" abis eval huge

### calibrate
"$ektp" abis calibrate set >calibrate.json
check "calibrate: every cross-finger pair, thresholds rise as the FMR falls" \
  json calibrate.json "j['impostor_comparisons'] == 54 and
    0 < j['threshold_fmr_1e-2'] <= j['threshold_fmr_1e-3'] <= j['threshold_fmr_1e-4'] <= j['threshold_fmr_1e-5'] <= 1"
refuses "calibrate with a missing folder is refused" "missing-set is not a directory" \
  "$ektp" abis calibrate set missing-set

### synth, and a synthetic gallery
"$ektp" abis synth synth --persons 3 --impressions 2 --seed 5 >synth.json
check "synth writes persons x 10 fingers x impressions templates" \
  json synth.json "j['templates'] == 60 and j['dir'] == 'synth'"
check "synth names files <person>_<finger>_<impression>.ekt" \
  sh -c '[ "$(ls synth | grep -c "^[0-2]_[0-9]*_[12]\.ekt$")" -eq 60 ]'
synth_genuine=$(score synth/0_1_1.ekt synth/0_1_2.ekt)
synth_impostor=$(score synth/0_1_1.ekt synth/1_1_1.ekt)
check "synthetic impressions of one finger ($synth_genuine) beat two fingers ($synth_impostor)" \
  greater "$synth_genuine" "$synth_impostor"
# synth and enroll --synthetic draw person p's fingers from the same seed, so synth's impressions
# are mated probes for the synthetic gallery.
"$ektp" abis enroll synthetic.gal --synthetic 20 --seed 5 >synthetic-gallery.json
check "enroll --synthetic 20 builds 20 persons x 10 fingers" \
  json synthetic-gallery.json "j['persons'] == 20 and j['fingers'] == 200"
"$ektp" abis identify synthetic.gal 1:synth/2_1_1.ekt 2:synth/2_2_1.ekt 3:synth/2_3_1.ekt >synthetic-id.json
check "identify a synthetic person's three fingers: that person first" \
  json synthetic-id.json "j['candidates'][0]['person'] == 2 and j['candidates'][0]['fingers'] == 3"
refuses "synth --persons 0 is refused" "persons must be 1..100000" "$ektp" abis synth s0 --persons 0
refuses "synth --persons -1 is refused" "must not be negative" "$ektp" abis synth s0 --persons -1
refuses "synth --impressions 17 is refused" "impressions 1..16" "$ektp" abis synth s0 --impressions 17
check "a refused synth writes nothing" test ! -e s0
refuses "enroll --synthetic -1 is refused" "not in range" "$ektp" abis enroll s.gal --synthetic -1

### identify-eval
"$ektp" abis identify-eval --persons 40 --searches 4 --threads 2 >ieval.json
check "identify-eval with 10-finger probes: every mated search rank 1, none missed" \
  json ieval.json "j['persons'] == 40 and j['searches_mated'] == 4 and j['searches_non_mated'] == 4 and
    j['fingers'] == 10 and j['rank1_identification_rate'] == 1 and j['fnir'] == 0 and j['threshold'] > 0 and
    j['fpir_target'] == 0.001 and j['search_ms_mean'] <= j['search_ms_max']"
"$ektp" abis identify-eval --persons 40 --searches 4 --fingers 1 --threads 2 >ieval1.json
check "identify-eval with 1-finger probes gives sane rates" \
  json ieval1.json "j['fingers'] == 1 and 0 <= j['rank1_identification_rate'] <= 1 and 0 <= j['fnir'] <= 1"
refuses "identify-eval --persons 0 is refused" "not in range 1 to" "$ektp" abis identify-eval --persons 0
refuses "identify-eval --persons -1 is refused" "not in range 1 to" "$ektp" abis identify-eval --persons -1
refuses "identify-eval --searches 0 is refused" "persons and searches must be positive" \
  "$ektp" abis identify-eval --persons 10 --searches 0
refuses "identify-eval --fingers 11 is refused" "not in range 1 to 10" "$ektp" abis identify-eval --fingers 11
refuses "identify-eval --threads 65 is refused" "not in range 0 to 64" "$ektp" abis identify-eval --threads 65

echo "$count checks, $failed failed"
[ "$failed" -eq 0 ]
