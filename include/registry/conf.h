/*
 * conf.h - the configuration file (README "Configuration";
 * conf/autodbm.conf.example).
 *
 * Format: "key = value" lines, '#' starts a comment line, blank lines
 * ignored.  Relative paths are resolved against the directory of the
 * file.  Unknown keys and bad values are errors naming the file and line.
 * Without a file (conf_defaults()) the embedded defaults apply, with
 * paths relative to the current directory.
 *
 * Ownership: conf_t is filled by conf_load()/conf_defaults() and owns its
 * strings; release with conf_free().
 */
#ifndef AUTODBM_CONF_H
#define AUTODBM_CONF_H

#include <stddef.h>

#include "util/err.h"
#include "util/ipaddr.h"
#include "util/strv.h"

/** Outgoing mail delivery methods. */
enum conf_delivery { CONF_DELIVERY_SMTP, CONF_DELIVERY_MAILDIR };

/** The configuration.  All paths are absolute or relative to the cwd. */
typedef struct conf {
    char *path;             /**< the file read, or NULL for defaults */
    char *source;           /**< source: of this registry ("TEST") */
    char *database;         /**< LMDB directory */
    char *robot_address;    /**< From: of acks and notifications */
    int delivery;           /**< enum conf_delivery */
    char *smtp_server;      /**< host:port */
    char *outbox;           /**< Maildir for delivery = maildir */
    char *gnupg_home;       /**< the registry's private GnuPG home */
    char *archive;          /**< where incoming mails and acks are kept;
                                 NULL when switched off ("archive = none") */
    size_t map_size;        /**< initial LMDB map size in bytes */
    int allow_override;     /**< override: lines accepted by mail (default
                                 no: "Override not allowed in email update") */
    char *override_password;/**< crypt hash ($1$, $2b$ or DES) the override
                                 password must match; NULL: none */
    long signature_max_age; /**< seconds a PGP signature may be old
                                 (signature_max_age, default 3600) */
    /* Limits on incoming mail (README "Limits").  Beyond any of them the
     * mail is answered with an error ack and nothing is applied. */
    size_t max_mail_size;   /**< bytes of one mail (max_mail_size) */
    unsigned max_mime_depth;/**< MIME nesting levels (max_mime_depth) */
    unsigned max_mime_parts;/**< MIME parts of one mail (max_mime_parts) */
    size_t max_header_size; /**< bytes of all header blocks of one mail,
                                 the mail's and its parts' together
                                 (max_header_size) */
    unsigned max_objects;   /**< objects (paragraphs) per mail (max_objects) */
    size_t max_object_size; /**< bytes of one paragraph (max_object_size) */
    unsigned max_passwords; /**< password: lines per mail (max_passwords) */
    unsigned max_signed_blocks; /**< PGP signatures checked per mail: inline
                                 clearsigned blocks and PGP/MIME parts
                                 (max_signed_blocks) */
    size_t max_line_length; /**< bytes of one line of update text
                                 (max_line_length) */
    unsigned max_paragraphs;/**< paragraphs of update text per mail,
                                 objects or not, counted before they are
                                 split (max_paragraphs) */
    unsigned max_notify_values; /**< notify:, mnt-nfy:, upd-to:, irt-nfy:
                                 and ref-nfy: values of one object, together
                                 (max_notify_values): beyond, the create or
                                 modify fails */
    unsigned max_recipients;/**< distinct addresses the notifications of
                                 one mail go to (max_recipients): beyond,
                                 the mail is refused, nothing applied */
    size_t max_notify_bytes;/**< bytes of the notification mails of one
                                 mail together, each as delivered (headers
                                 and encoded body), an object told to many
                                 addresses counted once per address
                                 (max_notify_bytes): beyond, the mail is
                                 refused, nothing applied */
    unsigned bcrypt_max_cost; /**< highest BCRYPT-PW cost accepted on
                                 create/modify and computed when a password
                                 is checked (bcrypt_max_cost, 4..31) */
    unsigned max_password_checks; /**< crypt hashes the passwords of one
                                 mail may compute together, against all
                                 auth: lines (max_password_checks): the
                                 writer lock is held meanwhile */
    unsigned max_passes;    /**< passes over the objects of one mail
                                 (max_passes): objects that fail are tried
                                 again while another one succeeded, each
                                 pass costing a full check of every object
                                 left; beyond, the mail is refused, nothing
                                 applied */
    /* Registry policy (authz.h, rules.h). */
    strv_t power_maintainers; /**< power_maintainers = A-MNT, B-MNT: the
                                 database administration's mntners (RIPE's
                                 RIPE-NCC-HM-MNT ...); empty by default */
    strv_t allowed_sources; /**< allowed_sources = TEST-NONAUTH, ...: source:
                                 values besides `source` that updates may
                                 use (default none) */
    long lock_timeout;      /**< lock_timeout = seconds a writer waits for
                                 the store's writer lock before giving up
                                 with a temporary failure (default 300,
                                 below Postfix's pipe time limit) */
    int hierarchical_as_sets; /**< hierarchical_as_sets = yes|no: new
                                 as-sets need an AS1:AS-X name (default yes) */
    int sync_allow_get;     /**< sync_allow_get = yes|no: syncupdates
                                 applies DATA sent by GET (default no: 403,
                                 as RIPE) */
    int sync_keep_unicode;  /**< sync_keep_unicode = yes|no: syncupdates
                                 keeps characters beyond Latin-1 in the
                                 update text (default no: "?", as RIPE) */
    size_t sync_max_request_size; /**< bytes of one syncupdates request
                                 body; beyond, 413 (default
                                 CONF_DEFAULT_SYNC_MAX_REQUEST_SIZE) */
    unsigned sync_max_parts; /**< parts of one multipart/form-data
                                 syncupdates request; beyond, 413 (default
                                 CONF_DEFAULT_SYNC_MAX_PARTS) */
    size_t sync_max_part_header_size; /**< bytes of the header of one such
                                 part; beyond, 413 (default
                                 CONF_DEFAULT_SYNC_MAX_PART_HEADER_SIZE) */
    long sync_read_timeout; /**< seconds within which a syncupdates
                                 request body must have come; beyond, 408
                                 (default CONF_DEFAULT_SYNC_READ_TIMEOUT) */
    strv_t sync_trusted_proxies; /**< sync_trusted_proxies = addresses or
                                 CIDR prefixes: clients whose ORIGIN
                                 parameter and X-Forwarded-For header name
                                 the real client; empty by default */
    /* The query server autodbm-whoisd (src/whoisd/, autodbm.conf(5)). */
    strv_t whois_listen;    /**< whois_listen = 127.0.0.1:43, [::1]:43:
                                 addresses it listens on, host:port each,
                                 an IPv6 host in brackets */
    unsigned whois_max_connections; /**< connections at once; beyond, no
                                 new one is accepted until one ends */
    unsigned whois_max_connections_per_address; /**< connections at once
                                 from one client address; beyond,
                                 %ERROR:306 and close */
    size_t whois_max_query_length; /**< bytes of one query line; beyond,
                                 %ERROR:107 and close */
    long whois_idle_timeout;/**< seconds a connection may wait for a
                                 query line (or its client not read);
                                 beyond, %ERROR:305 and close */
    long whois_query_timeout; /**< seconds one query may take in all,
                                 its output included; beyond, close */
    unsigned whois_max_objects; /**< objects (or list items) per answer;
                                 beyond, an error and close */
    size_t whois_max_buffered; /**< bytes of answers waiting in the server
                                 for their clients to read them, all
                                 connections together; beyond, the
                                 connection with the most is closed */
    unsigned whois_max_readers; /**< answers ("!m" "!o" "!r", RIPE-style
                                 ones) streaming objects from a
                                 store snapshot at once (each holds one
                                 of LMDB's 126 reader slots and its list
                                 of keys); beyond, a query that would
                                 start one waits for one to end */
    int whois_log;          /**< whois_log = yes|no: one log line per
                                 connection (default yes) */
    char *whois_name;       /**< the registry's name in the banner
                                 ("% This is the NAME Database query
                                 service."); NULL: the source */
    char *whois_terms_url;  /**< the terms and conditions URL of the
                                 banner */
    unsigned whois_personal_limit; /**< person and role objects one
                                 client address may be sent per UTC day
                                 (RIPE's query ACL); beyond, %ERROR:201;
                                 0: no limit */
    strv_t whois_personal_exempt; /**< addresses and networks the limit
                                 does not apply to (default the loopback
                                 networks; "none": none) */
    unsigned whois_personal_table; /**< client addresses counted at most
                                 (the oldest is dropped for a new one) */
    unsigned whois_workers; /**< threads computing the "!" answers that
                                 may take long (set expansions ...), so
                                 that they do not delay the others; each
                                 holds a store snapshot while it works */
    /* Several sources in one store (registry/query.h, registry/rules.h). */
    strv_t query_sources;   /**< query_sources = TEST, RIPE-MIRROR: the
                                 sources a query searches without -s or -a
                                 (and "!" commands without "!s"), in that
                                 order, upper case; empty (the default):
                                 the registry's own source alone */
    strv_t mirror;          /**< the raw value of each "mirror = LOCAL
                                 HOST:PORT REMOTE [VERSION]" line, in file
                                 order (several lines add up), tabs as
                                 blanks; the first word of each (checked:
                                 a source name) names a mirrored source,
                                 which updates may not change */
    /* The NRTM client autodbm-mirror (src/mirror/, registry/mirror.h);
     * its lines are mirror above, read by conf_mirror_parse(). */
    unsigned mirror_batch_size; /**< NRTM operations applied per store
                                 transaction at most */
    long mirror_error_backoff; /**< seconds to wait after a configuration
                                 error reply (402, 403, 405, 406 ...) */
    unsigned mirror_keepalive_count; /**< TCP_KEEPCNT of the connection */
    long mirror_keepalive_idle; /**< TCP_KEEPIDLE of the connection */
    long mirror_keepalive_interval; /**< TCP_KEEPINTVL of the connection */
    size_t mirror_max_line_length; /**< bytes of one line of an NRTM
                                 stream; beyond, the stream is refused */
    size_t mirror_max_object_size; /**< bytes of one object of an NRTM
                                 stream; beyond, the stream is refused */
    long mirror_poll_interval; /**< seconds between requests when the
                                 source is up to date (and of --once's
                                 callers' choosing) */
    long mirror_read_timeout; /**< seconds without a byte from the
                                 server before the connection is dropped
                                 and made again */
    long mirror_retry_max;  /**< the longest reconnect back-off, seconds */
    long mirror_retry_min;  /**< the first reconnect back-off, seconds
                                 (doubled per failure up to
                                 mirror_retry_max) */
    /* The NRTM server of autodbm-whoisd (src/whoisd/nrtm.c,
     * autodbm.conf(5)). */
    strv_t nrtm_listen;     /**< nrtm_listen = host:port addresses the NRTM
                                 server listens on; empty (the default):
                                 no NRTM server */
    strv_t nrtm_access;     /**< addresses and CIDR prefixes that may
                                 mirror; empty (the default): the loopback
                                 addresses only; others get %ERROR:402 */
    strv_t nrtm_access_unfiltered; /**< of those, the ones sent objects
                                 without personal data removed (auth:
                                 hashes are replaced all the same);
                                 default none */
    int nrtm_banner;        /**< nrtm_banner = yes|no: the two-line terms
                                 and conditions banner on connect, as
                                 RIPE (default yes) */
    unsigned nrtm_max_age_days; /**< a request whose first serial is older
                                 than this many days gets %ERROR:401
                                 (RIPE: 14, the default); 0: no limit */
    unsigned nrtm_max_connections; /**< NRTM connections at once; beyond,
                                 no new one is accepted until one ends */
    unsigned nrtm_max_connections_per_address; /**< NRTM connections at
                                 once from one address; beyond, RIPE's
                                 "ERROR:306: connections exceeded" and
                                 close */
    size_t nrtm_max_request_length; /**< bytes of the request line (RIPE:
                                 128, the default); beyond, %ERROR:405
                                 and close */
    /* What leaves by NRTM and export (registry/dummify.h). */
    int nrtm_dummify;       /**< nrtm_dummify = yes|no: public mirrors and
                                 exports get RIPE's NRTM v3 filtering
                                 (persons and roles without abuse-mailbox
                                 left out, personal data dummified);
                                 no: only password hashes are hidden
                                 (default yes) */
    char *nrtm_dummy_handle;/**< the handle of dummified admin-c:, tech-c:,
                                 zone-c:, author:, ping-hdl: (default
                                 CONF_DEFAULT_NRTM_DUMMY_HANDLE) */
    char *nrtm_dummy_address; /**< a dummified address: is this text, a
                                 blank and the object's primary key */
    char *nrtm_dummy_phone; /**< a dummified phone: and fax-no: */
    char *nrtm_dummy_email; /**< a dummified e-mail: and upd-to: (and
                                 changed:, with the date 20000101) */
    char *nrtm_dummy_auth;  /**< a dummified auth: (and the one that
                                 replaces password hashes for trusted
                                 mirrors), followed by "   # Real value
                                 hidden for security" */
    strv_t nrtm_dummy_remarks_sources; /**< sources whose dummified objects
                                 get RIPE's seven "THIS OBJECT IS MODIFIED"
                                 remarks: (default RIPE, RIPE-NONAUTH,
                                 RIPE-GRS, TEST, TEST-NONAUTH, TEST-GRS, as
                                 RIPE; "none": none) */
} conf_t;

/** One `mirror` line, parsed by conf_mirror_parse(). */
typedef struct conf_mirror {
    char *local;            /**< the local (mirrored) source, upper case */
    char *host;             /**< the server's host (no brackets) */
    char *port;             /**< its port, digits */
    char *remote;           /**< the source asked for, upper case */
    unsigned version;       /**< NRTM version: 1 or 3 (default) */
} conf_mirror_t;

/**
 * Parse one `mirror` value, "LOCAL HOST:PORT REMOTE [VERSION]" (an IPv6
 * host in brackets; VERSION 1 or 3, default 3).  The one reader of such
 * a line: conf_load() checks each with it, autodbm-mirror and the robot
 * read them with it.
 * @param line  the value (c->mirror.v[i])
 * @param m     filled in; release with conf_mirror_free() (also done on
 *              failure)
 * @param err   why the line is wrong (without file and line number)
 * @return 0; ERR_CONF for a malformed line.
 */
int conf_mirror_parse(const char *line, conf_mirror_t *m, err_t *err);

/** Release the strings of @m (NULL members accepted). */
void conf_mirror_free(conf_mirror_t *m);

/**
 * The `mirror` line whose local source is @local (case-insensitive).
 * @return the line (owned by @c), or NULL when @local is not mirrored.
 */
const char *conf_mirror_find(const conf_t *c, const char *local);

/** Default limits (see conf_t and README "Limits"). */
#define CONF_DEFAULT_MAX_MAIL_SIZE   ((size_t)10 << 20)
#define CONF_DEFAULT_MAX_MIME_DEPTH  32u
#define CONF_DEFAULT_MAX_MIME_PARTS  1000u
/* 512K: the header blocks of a 1,000-part mail at 500 bytes each, or ten
 * times the header of a much-forwarded mail; GMime spends some 400 bytes
 * on each field it builds, so at most ~70 MB (175,000 three-byte fields). */
#define CONF_DEFAULT_MAX_HEADER_SIZE ((size_t)512 << 10)
#define CONF_DEFAULT_MAX_OBJECTS     1000u
#define CONF_DEFAULT_MAX_OBJECT_SIZE ((size_t)1 << 20)
#define CONF_DEFAULT_MAX_PASSWORDS   20u
#define CONF_DEFAULT_MAX_SIGNED_BLOCKS 50u
#define CONF_DEFAULT_MAX_LINE_LENGTH ((size_t)64 << 10)
#define CONF_DEFAULT_MAX_PARAGRAPHS  5000u
#define CONF_DEFAULT_MAX_NOTIFY_VALUES 20u
#define CONF_DEFAULT_MAX_RECIPIENTS  200u
/* 64M: six times a full max_mail_size mail; a 1,000-object mail of 1M
 * told to a handful of addresses makes a few MB */
#define CONF_DEFAULT_MAX_NOTIFY_BYTES ((size_t)64 << 20)
#define CONF_DEFAULT_BCRYPT_MAX_COST 12u
#define CONF_DEFAULT_MAX_PASSWORD_CHECKS 50u
#define CONF_DEFAULT_MAX_PASSES      10u
#define CONF_DEFAULT_WHOIS_LISTEN    "127.0.0.1:43"
#define CONF_DEFAULT_WHOIS_MAX_CONNECTIONS 1000u
#define CONF_DEFAULT_WHOIS_MAX_CONNECTIONS_PER_ADDRESS 3u
#define CONF_DEFAULT_WHOIS_MAX_QUERY_LENGTH ((size_t)1024)
#define CONF_DEFAULT_WHOIS_IDLE_TIMEOUT 180L
#define CONF_DEFAULT_WHOIS_QUERY_TIMEOUT 180L
#define CONF_DEFAULT_WHOIS_MAX_OBJECTS 250000u
#define CONF_DEFAULT_WHOIS_MAX_READERS 32u
#define CONF_DEFAULT_WHOIS_WORKERS   4u
#define CONF_DEFAULT_WHOIS_MAX_BUFFERED ((size_t)64 << 20)
#define CONF_DEFAULT_WHOIS_TERMS_URL "https://docs.db.ripe.net/terms-conditions.html"
/* RIPE's public service: 1,000 personal objects per address per day */
#define CONF_DEFAULT_WHOIS_PERSONAL_LIMIT 1000u
#define CONF_DEFAULT_WHOIS_PERSONAL_EXEMPT "127.0.0.0/8, ::1"
#define CONF_DEFAULT_WHOIS_PERSONAL_TABLE 100000u
#define CONF_DEFAULT_NRTM_MAX_AGE_DAYS 14u
#define CONF_DEFAULT_NRTM_MAX_CONNECTIONS 100u
#define CONF_DEFAULT_NRTM_MAX_CONNECTIONS_PER_ADDRESS 3u
#define CONF_DEFAULT_NRTM_MAX_REQUEST_LENGTH ((size_t)128)
/* RIPE's public NRTM v3 stream and export files (DummifierNrtm) */
#define CONF_DEFAULT_NRTM_DUMMY_HANDLE "DUMY-RIPE"
#define CONF_DEFAULT_NRTM_DUMMY_ADDRESS "Dummy address for"
#define CONF_DEFAULT_NRTM_DUMMY_PHONE "+31205354444"
#define CONF_DEFAULT_NRTM_DUMMY_EMAIL "unread@ripe.net"
#define CONF_DEFAULT_NRTM_DUMMY_AUTH "MD5-PW $1$SaltSalt$DummifiedMD5HashValue."

/* autodbm-mirror: TCP keepalive as seeds/RIPE advise (60/15/4); RIPE's
 * client reads for 300 s before it reconnects and retries connecting every
 * 10 s; RIPE's documented server interval is 15 s. */
#define CONF_DEFAULT_MIRROR_BATCH_SIZE 10000u
#define CONF_DEFAULT_MIRROR_ERROR_BACKOFF 3600L
#define CONF_DEFAULT_MIRROR_KEEPALIVE_COUNT 4u
#define CONF_DEFAULT_MIRROR_KEEPALIVE_IDLE 60L
#define CONF_DEFAULT_MIRROR_KEEPALIVE_INTERVAL 15L
#define CONF_DEFAULT_MIRROR_MAX_LINE_LENGTH ((size_t)64 << 10)
#define CONF_DEFAULT_MIRROR_MAX_OBJECT_SIZE ((size_t)16 << 20)
#define CONF_DEFAULT_MIRROR_POLL_INTERVAL 1L
#define CONF_DEFAULT_MIRROR_READ_TIMEOUT 300L
#define CONF_DEFAULT_MIRROR_RETRY_MAX 600L
#define CONF_DEFAULT_MIRROR_RETRY_MIN 10L

/** The build's SYSCONFDIR (Makefile: PREFIX/etc, /etc for PREFIX=/usr). */
#ifndef AUTODBM_SYSCONFDIR
#define AUTODBM_SYSCONFDIR "/usr/local/etc"
#endif
/** Default configuration file path when no -c and no $AUTODBM_CONF:
 *  SYSCONFDIR/autodbm/autodbm.conf, fixed at build time. */
#define CONF_DEFAULT_PATH AUTODBM_SYSCONFDIR "/autodbm/autodbm.conf"

/** Default sync_max_request_size: 10M, as max_mail_size. */
#define CONF_DEFAULT_SYNC_MAX_REQUEST_SIZE ((size_t)10 << 20)

/** Default sync_max_parts: a form has six fields; room for a few more. */
#define CONF_DEFAULT_SYNC_MAX_PARTS 16u

/** Default sync_read_timeout: 60 s (a web server normally buffers the
 *  body before the CGI starts). */
#define CONF_DEFAULT_SYNC_READ_TIMEOUT 60L

/** Default sync_max_part_header_size: 8K. */
#define CONF_DEFAULT_SYNC_MAX_PART_HEADER_SIZE ((size_t)8 << 10)


/**
 * Fill @c with the embedded defaults: source TEST, database var/db,
 * robot_address auto-dbm@localhost, delivery maildir, smtp_server
 * 127.0.0.1:25, outbox var/outbox, gnupg_home var/gnupg, archive
 * var/archive, map_size 1 GiB, allow_override no, no override_password,
 * signature_max_age 3600, the CONF_DEFAULT_MAX_* limits, bcrypt_max_cost
 * CONF_DEFAULT_BCRYPT_MAX_COST, no
 * power_maintainers, hierarchical_as_sets yes, sync_allow_get no,
 * sync_keep_unicode no, CONF_DEFAULT_SYNC_MAX_REQUEST_SIZE,
 * CONF_DEFAULT_SYNC_MAX_PARTS, CONF_DEFAULT_SYNC_MAX_PART_HEADER_SIZE,
 * CONF_DEFAULT_SYNC_READ_TIMEOUT, no
 * sync_trusted_proxies, the CONF_DEFAULT_WHOIS_* values of the query
 * server, whois_log yes, no whois_name (the source is used),
 * whois_personal_exempt the loopback networks 127.0.0.0/8 and ::1,
 * no query_sources (the own source alone), no mirror lines, the
 * CONF_DEFAULT_MIRROR_* values,
 * no nrtm_listen, empty nrtm_access and nrtm_access_unfiltered,
 * nrtm_banner yes and the CONF_DEFAULT_NRTM_* values,
 * nrtm_dummify yes and the CONF_DEFAULT_NRTM_DUMMY_* values.
 */
void conf_defaults(conf_t *c);

/**
 * Read the configuration file @path over the defaults.
 * @param path  the file
 * @param c     filled in (conf_free() it, also after a failure)
 * @param err   on failure "FILE:LINE: message"
 * @return 0; ERR_IO if the file cannot be read; ERR_CONF for a syntax
 *         error, an unknown key or a bad value.
 */
int conf_load(const char *path, conf_t *c, err_t *err);

/**
 * The configuration path a program should use: @opt (the -c argument)
 * if not NULL, else $AUTODBM_CONF if set and non-empty, else
 * CONF_DEFAULT_PATH if that file exists, else NULL (embedded defaults).
 */
const char *conf_path(const char *opt);

/**
 * What every program does at start: conf_path(@opt), then conf_load()
 * of that file, or conf_defaults() when there is none.
 * @param opt  the -c argument, or NULL
 * @param c    filled in (conf_free() it, also after a failure)
 * @param err  on failure the text of conf_load()
 * @return 0 (also with the defaults); ERR_CONF for every failure,
 *         an unreadable or missing file included (every program exits
 *         EX_CONFIG for it, see err_sysexit()).
 */
int conf_open(const char *opt, conf_t *c, err_t *err);

/** Release the strings of @c. */
void conf_free(conf_t *c);

#endif
