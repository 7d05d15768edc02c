/* compat_verdicts: compare what the current library says about a 0.1.0
 * artefact with what 0.1.0 said (tests/compat/v0.1.0), by meaning, not by
 * bytes.
 *
 *   compat_verdicts report SET FROZEN.json CURRENT.json COMPATIBILITY.md
 *       Reports (docs/REPORT.md, JSON format 1), check by check, by name:
 *       every 0.1.0 check is still there, in the same category, with the
 *       same verdict, unless docs/compatibility.md's table "Verdict
 *       differences" lists (SET, check, old verdict, new verdict) and the
 *       check's summary contains the reason given there.  A listed change
 *       may never turn a verdict into FAIL.  A check new since 0.1.0 must
 *       not FAIL.  The stable members (vnfo_report 1, verdict, exit_code,
 *       the subject's manifest_id and manifest_digest, all four counts) are
 *       checked too.
 *   compat_verdicts jsonl FROZEN.jsonl CURRENT.jsonl
 *       `vnfo log dump --jsonl` output: the same records in the same order,
 *       every member 0.1.0 printed present with an equal value (members
 *       added since are allowed).
 *
 * Prints one line per difference; exit 0 when compatible, 1 when not, 2 on
 * unreadable input or a usage error. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct allowed {
    char set[64], check[80], from[16], to[16], reason[256];
};

static int problems;

static void problem(const char *fmt, const char *a, const char *b, const char *c, const char *d)
{
    printf(fmt, a, b, c, d);
    putchar('\n');
    problems++;
}

static json_t *load(const char *path)
{
    json_error_t e;
    json_t *j = json_load_file(path, 0, &e);
    if (!j)
        fprintf(stderr, "compat_verdicts: %s:%d:%d: %s\n", path, e.line, e.column, e.text);
    return j;
}

static const char *str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

/* Trims spaces and backquotes around a markdown table cell in place. */
static char *cell(char *s)
{
    while (*s == ' ' || *s == '`')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '`' || s[n - 1] == '\n'))
        s[--n] = 0;
    return s;
}

/* Reads the rows between the BEGIN and END markers of the differences table. */
static int read_allowed(struct allowed **out, size_t *n, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        return -1;
    }
    char line[1024];
    int in = 0;
    *out = NULL;
    *n = 0;
    while (fgets(line, sizeof line, f)) {
        if (strstr(line, "BEGIN verdict differences"))
            in = 1;
        else if (strstr(line, "END verdict differences"))
            in = 0;
        else if (in && line[0] == '|' && !strstr(line, "---") && !strstr(line, "corpus set")) {
            char *f5[5];
            char *p = line + 1;
            int k = 0;
            for (; k < 5; k++) {
                char *bar = strchr(p, '|');
                if (!bar)
                    break;
                *bar = 0;
                f5[k] = cell(p);
                p = bar + 1;
            }
            if (k != 5) {
                fprintf(stderr, "compat_verdicts: %s: a table row needs 5 cells: %s\n", path, line);
                fclose(f);
                return -1;
            }
            struct allowed *a = realloc(*out, (*n + 1) * sizeof **out);
            if (!a) {
                fclose(f);
                return -1;
            }
            *out = a;
            a = &(*out)[(*n)++];
            snprintf(a->set, sizeof a->set, "%s", f5[0]);
            snprintf(a->check, sizeof a->check, "%s", f5[1]);
            snprintf(a->from, sizeof a->from, "%s", f5[2]);
            snprintf(a->to, sizeof a->to, "%s", f5[3]);
            snprintf(a->reason, sizeof a->reason, "%s", f5[4]);
        }
    }
    fclose(f);
    return 0;
}

static const json_t *find_check(const json_t *report, const char *name)
{
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(report, "checks"), i, c) {
        if (strcmp(str(c, "check"), name) == 0)
            return c;
    }
    return NULL;
}

static int explained(const struct allowed *al, size_t n, const char *set, const json_t *old,
                     const json_t *now)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(al[i].set, set) == 0 && strcmp(al[i].check, str(old, "check")) == 0 &&
            strcmp(al[i].from, str(old, "verdict")) == 0 &&
            strcmp(al[i].to, str(now, "verdict")) == 0 && strstr(str(now, "summary"), al[i].reason))
            return 1;
    return 0;
}

static void compare_checks(const json_t *frozen, const json_t *current, const char *set,
                           const struct allowed *al, size_t n_al, int *differs)
{
    int frozen_failed = strcmp(str(frozen, "verdict"), "FAIL") == 0;
    size_t i;
    const json_t *old;
    json_array_foreach(json_object_get(frozen, "checks"), i, old) {
        const char *name = str(old, "check");
        const json_t *now = find_check(current, name);
        if (!now) {
            problem("%s: %s: 0.1.0 ran this check (%s); the current verifier does not%s", set, name,
                    str(old, "verdict"), "");
            continue;
        }
        if (strcmp(str(old, "category"), str(now, "category")) != 0)
            problem("%s: %s: category %s in 0.1.0, %s now", set, name, str(old, "category"),
                    str(now, "category"));
        if (strcmp(str(old, "verdict"), str(now, "verdict")) == 0)
            continue;
        *differs = 1;
        if (strcmp(str(now, "verdict"), "FAIL") == 0)
            problem("%s: %s: %s in 0.1.0, FAIL now (a 0.1.0 artefact may never start failing): %s",
                    set, name, str(old, "verdict"), str(now, "summary"));
        else if (!explained(al, n_al, set, old, now))
            problem("%s: %s: %s in 0.1.0, %s now, not listed in docs/compatibility.md "
                    "(\"Verdict differences\" with the reason in the summary)",
                    set, name, str(old, "verdict"), str(now, "verdict"));
        else
            printf("%s: %s: %s -> %s, as docs/compatibility.md explains\n", set, name,
                   str(old, "verdict"), str(now, "verdict"));
    }
    const json_t *now;
    json_array_foreach(json_object_get(current, "checks"), i, now) {
        if (!find_check(frozen, str(now, "check")) && strcmp(str(now, "verdict"), "FAIL") == 0 &&
            !frozen_failed)
            problem("%s: %s: a check new since 0.1.0 FAILs a 0.1.0 artefact: %s%s", set,
                    str(now, "check"), str(now, "summary"), "");
    }
}

static int compare_reports(const char *set, const char *frozen_path, const char *current_path,
                           const char *docs)
{
    struct allowed *al = NULL;
    size_t n_al = 0;
    json_t *frozen = load(frozen_path), *current = load(current_path);
    if (!frozen || !current || read_allowed(&al, &n_al, docs) != 0) {
        json_decref(frozen);
        json_decref(current);
        return 2;
    }
    if (json_integer_value(json_object_get(current, "vnfo_report")) != 1)
        problem("%s: %s: vnfo_report is not 1%s%s", set, current_path, "", "");
    if (!json_is_string(json_object_get(current, "library_version")))
        problem("%s: %s: no library_version string%s%s", set, current_path, "", "");
    static const char *const subject[] = {"manifest_id", "manifest_digest"};
    for (int i = 0; i < 2; i++) {
        const char *a = str(json_object_get(frozen, "subject"), subject[i]);
        const char *b = str(json_object_get(current, "subject"), subject[i]);
        if (strcmp(a, b) != 0)
            problem("%s: subject.%s: %s in 0.1.0, %s now", set, subject[i], a, b);
    }
    static const char *const verdicts[] = {"PASS", "FAIL", "INCONCLUSIVE", "ERROR"};
    for (int i = 0; i < 4; i++)
        if (!json_is_integer(json_object_get(json_object_get(current, "counts"), verdicts[i])))
            problem("%s: counts.%s missing%s%s", set, verdicts[i], "", "");
    int differs = 0;
    compare_checks(frozen, current, set, al, n_al, &differs);
    const char *ov = str(frozen, "verdict"), *nv = str(current, "verdict");
    json_int_t oc = json_integer_value(json_object_get(frozen, "exit_code"));
    json_int_t nc = json_integer_value(json_object_get(current, "exit_code"));
    if (!differs && (strcmp(ov, nv) != 0 || oc != nc))
        problem("%s: overall verdict %s in 0.1.0, %s now, with the same verdict for every check%s", set,
                ov, nv, "");
    if (strcmp(nv, "FAIL") == 0 && strcmp(ov, "FAIL") != 0)
        problem("%s: overall FAIL now, %s in 0.1.0%s%s", set, ov, "", "");
    if (!problems)
        printf("%s: every 0.1.0 verdict holds (%s, exit %d)\n", set, nv, (int)nc);
    free(al);
    json_decref(frozen);
    json_decref(current);
    return problems ? 1 : 0;
}

/* jansson refuses integers above 2^63 - 1, and packet labels are 64-bit:
 * quote every bare number of 19 digits or more (outside strings), so it is
 * compared as text. */
static void quote_big_numbers(char *out, size_t size, const char *in)
{
    size_t o = 0;
    int in_string = 0;
    for (const char *p = in; *p && o + 3 < size;) {
        if (in_string) {
            if (*p == '\\' && p[1])
                out[o++] = *p++;
            else if (*p == '"')
                in_string = 0;
            out[o++] = *p++;
            continue;
        }
        if (*p == '"')
            in_string = 1;
        size_t digits = strspn(p, "0123456789");
        if (digits >= 19 && o + digits + 3 < size) {
            out[o++] = '"';
            memcpy(out + o, p, digits);
            o += digits, p += digits;
            out[o++] = '"';
            continue;
        }
        if (digits) {
            size_t n = digits < size - o - 3 ? digits : size - o - 3;
            memcpy(out + o, p, n);
            o += n, p += n;
            continue;
        }
        out[o++] = *p++;
    }
    out[o] = 0;
}

/* The next line as JSON: 1 with *out set, 0 at the end, -1 on an error. */
static int next_line(json_t **out, FILE *f, const char *path, int line)
{
    /* Each holds the dump of the largest record (~270 KB). */
    static char buf[1 << 20], quoted[(1 << 20) + 4096];
    *out = NULL;
    if (!fgets(buf, sizeof buf, f))
        return 0;
    quote_big_numbers(quoted, sizeof quoted, buf);
    json_error_t e;
    *out = json_loads(quoted, 0, &e);
    if (!*out) {
        fprintf(stderr, "compat_verdicts: %s:%d: %s\n", path, line, e.text);
        return -1;
    }
    return 1;
}

static int compare_jsonl(const char *frozen_path, const char *current_path)
{
    FILE *a = fopen(frozen_path, "r"), *b = fopen(current_path, "r");
    if (!a || !b) {
        perror(!a ? frozen_path : current_path);
        if (a)
            fclose(a);
        if (b)
            fclose(b);
        return 2;
    }
    int line = 0, records = 0;
    for (;;) {
        line++;
        json_t *old, *now;
        int ra = next_line(&old, a, frozen_path, line), rb = next_line(&now, b, current_path, line);
        if (ra < 0 || rb < 0) {
            problems++;
            json_decref(old);
            json_decref(now);
            break;
        }
        if (!old || !now) {
            if (old || now) {
                char l[32];
                snprintf(l, sizeof l, "%d", line);
                problem("line %s: %s ends here, %s does not%s", l, old ? current_path : frozen_path,
                        old ? frozen_path : current_path, "");
            }
            json_decref(old);
            json_decref(now);
            break;
        }
        const char *key;
        json_t *value;
        json_object_foreach(old, key, value) {
            if (!json_equal(value, json_object_get(now, key))) {
                char l[32];
                snprintf(l, sizeof l, "%d", line);
                char *was = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
                problem("line %s: member %s: 0.1.0 printed %s%s, the current dump differs", l, key,
                        was ? was : "?", "");
                free(was);
            }
        }
        records++;
        json_decref(old);
        json_decref(now);
    }
    fclose(a);
    fclose(b);
    if (!problems)
        printf("%s: %d records read as 0.1.0 read them\n", current_path, records);
    return problems ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 6 && strcmp(argv[1], "report") == 0)
        return compare_reports(argv[2], argv[3], argv[4], argv[5]);
    if (argc == 4 && strcmp(argv[1], "jsonl") == 0)
        return compare_jsonl(argv[2], argv[3]);
    fprintf(stderr, "usage: compat_verdicts report SET FROZEN.json CURRENT.json COMPATIBILITY.md\n"
                    "       compat_verdicts jsonl FROZEN.jsonl CURRENT.jsonl\n");
    return 2;
}
