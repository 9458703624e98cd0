# logcheck.awk - a strict reader of the log lines of autodbm and
# autodbm-flush as they echo them to standard error
# (AUTODBM_LOG_STDERR=1): "PROGRAM: KEY=VALUE KEY=VALUE ...", the grammar
# of include/util/logline.h.  Every key must be listed in the README's
# "Logging" paragraph (a line "    KEY=  ...") and every outcome= value
# among the values listed under outcome= there ("      VALUE  ...").
#
#   awk -f tests/tools/logcheck.awk -v readme=README FILE...
#
# The other lines a program writes on standard error for people are
# allowed when they start as documented ("PROGRAM: temporary failure: ",
# "PROGRAM: already handled"); any other line is an error.  Prints one
# "FILE:LINE: what is wrong: the line" per bad line and exits 1 when there
# was one; prints "logcheck: N log lines, N other lines" on success.
BEGIN {
    if (readme == "") { print "logcheck: -v readme=README needed"; exit 2 }
    inlog = 0; key = ""
    while ((getline l < readme) > 0) {
        if (l ~ /^Logging\.  /) { inlog = 1; continue }
        if (inlog && l ~ /^[A-Z][a-z]+\.  /) break
        if (!inlog) continue
        if (match(l, /^    [a-z0-9-]+=/)) {
            key = substr(l, 5, RLENGTH - 5); keys[key] = 1; nkeys++
        } else if (key == "outcome" && match(l, /^      [a-z-]+ /)) {
            outcomes[substr(l, 7, RLENGTH - 7)] = 1; nout++
        } else if (l !~ /^        /) {
            key = ""
        }
    }
    close(readme)
    if (nkeys < 5 || nout < 3) {
        print "logcheck: " readme ": no key list in the Logging paragraph"; bad = 2; exit 2
    }
    nlog = 0; nother = 0
}
function fail(why) {
    printf "%s:%d: %s: %s\n", FILENAME, FNR, why, $0
    bad = 1
}
{
    line = $0
    if (!match(line, /^[a-z][a-z-]*: /)) { fail("not a line of an autodbm program"); next }
    rest = substr(line, RLENGTH + 1)
    if (rest ~ /^temporary failure: [^ ]/ || rest ~ /^already handled/) { nother++; next }
    n = 0; err = ""; outcome = ""
    while (rest != "") {
        if (n > 0) {
            if (substr(rest, 1, 1) != " ") { err = "no single space between pairs"; break }
            rest = substr(rest, 2)
        }
        if (!match(rest, /^[a-z0-9-]+=/)) { err = "not KEY=VALUE at \"" substr(rest, 1, 20) "\""; break }
        k = substr(rest, 1, RLENGTH - 1)
        rest = substr(rest, RLENGTH + 1)
        if (substr(rest, 1, 1) == "\"") {
            # quoted: any byte but " and \, or an escape, up to the closing "
            if (!match(rest, /^"([^"\\]|\\["\\nrt]|\\x[0-9a-f][0-9a-f])*"/)) {
                err = "bad quoted value of " k; break
            }
            v = substr(rest, 2, RLENGTH - 2)
            # a value quoted without need is allowed; an unescaped control byte is not
            if (v ~ /[\001-\037\177]/) { err = "control byte in " k; break }
        } else {
            if (!match(rest, /^[A-Za-z0-9@._:\/+<>-]+/)) { err = "empty or bad bare value of " k; break }
            v = substr(rest, 1, RLENGTH)
            c = substr(rest, RLENGTH + 1, 1)
            if (c != "" && c != " ") { err = "bare value of " k " followed by \"" c "\""; break }
        }
        rest = substr(rest, RLENGTH + 1)
        if (!(k in keys)) { err = "key " k "= is not in the README's Logging paragraph"; break }
        if (k == "outcome") outcome = v
        n++
    }
    if (err == "" && n == 0) err = "no pair"
    if (err == "" && outcome != "" && !(outcome in outcomes))
        err = "outcome=" outcome " is not in the README's Logging paragraph"
    if (err != "") { fail(err); next }
    nlog++
}
END {
    if (bad == 2) exit 2
    if (bad) exit 1
    printf "logcheck: %d log lines, %d other lines\n", nlog, nother
}
