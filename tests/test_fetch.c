/* SPDX-License-Identifier: MIT */
/*
 * fetch.c, panosapi.c and notify.c against tests/servers/fakehttp.py on
 * 127.0.0.1.  The test makes its own CA and server certificates with
 * `openssl req` (nothing is committed), starts one fake server per
 * behaviour that must hold for a whole connection (a firewall, a firewall
 * that errs, one that answers garbage, one that never answers TLS, one
 * with a certificate for another name, a plain HTTP one), and checks the
 * outcome and the sentence of every failure users will meet.
 *
 * The API key is distinctive (with characters URL encoding changes), so
 * the server's record of every request and every message can be searched
 * for it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "fetch.h"
#include "input/list.h"
#include "output/notify.h"
#include "policy/panosapi.h"
#include "policy/profile.h"
#include "registry.h"

#define API_KEY "LUFRPT1cipherprobe+test/key=0123456789abcdefXYZ=="
#define WRONG_KEY "LUFRPT1wrong+key/9876543210=="

enum srv_id { S_MAIN, S_ERROR, S_GARBAGE, S_HANG, S_WRONGNAME, S_PLAIN, S_COUNT };

struct srv {
	const char *tag;
	const char *mode;
	bool tls;
	bool wrong_cert;
	pid_t pid;
	unsigned port;
	char port_file[256];
};

static struct srv srvs[S_COUNT] = {
	[S_MAIN] = { .tag = "main", .mode = "panos", .tls = true },
	[S_ERROR] = { .tag = "error", .mode = "error", .tls = true },
	[S_GARBAGE] = { .tag = "garbage", .mode = "garbage", .tls = true },
	[S_HANG] = { .tag = "hang", .mode = "hang", .tls = true },
	[S_WRONGNAME] = { .tag = "wrongname", .mode = "list", .tls = true, .wrong_cert = true },
	[S_PLAIN] = { .tag = "plain", .mode = "list", .tls = false },
};

static char dir[64];
static char ca_pem[128], srv_pem[128], srv_key[128], bad_pem[128], bad_key[128];
static char record[128], fixture[512];
static int refused_fd = -1;
static unsigned refused_port;

/* ---- helpers ---- */

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Runs argv quietly; 0 when it exits 0. */
static int run(const char *const argv[])
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		/* execvp takes char *const[]; it does not write to them */
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* The test CA, a server certificate for 127.0.0.1/localhost, and one for
 * another name, all signed by the CA. */
static int make_certs(void)
{
	char ca_key[128];
	const char *const ca[] = { "openssl",
				   "req",
				   "-x509",
				   "-newkey",
				   "ec",
				   "-pkeyopt",
				   "ec_paramgen_curve:prime256v1",
				   "-nodes",
				   "-keyout",
				   ca_key,
				   "-out",
				   ca_pem,
				   "-days",
				   "2",
				   "-subj",
				   "/CN=cipherprobe test CA",
				   "-addext",
				   "basicConstraints=critical,CA:TRUE",
				   "-addext",
				   "keyUsage=critical,keyCertSign",
				   NULL };
	const char *const good[] = { "openssl",
				     "req",
				     "-x509",
				     "-newkey",
				     "ec",
				     "-pkeyopt",
				     "ec_paramgen_curve:prime256v1",
				     "-nodes",
				     "-keyout",
				     srv_key,
				     "-out",
				     srv_pem,
				     "-days",
				     "2",
				     "-subj",
				     "/CN=localhost",
				     "-addext",
				     "basicConstraints=CA:FALSE",
				     "-addext",
				     "subjectAltName=IP:127.0.0.1,DNS:localhost",
				     "-CA",
				     ca_pem,
				     "-CAkey",
				     ca_key,
				     NULL };
	const char *const bad[] = { "openssl",
				    "req",
				    "-x509",
				    "-newkey",
				    "ec",
				    "-pkeyopt",
				    "ec_paramgen_curve:prime256v1",
				    "-nodes",
				    "-keyout",
				    bad_key,
				    "-out",
				    bad_pem,
				    "-days",
				    "2",
				    "-subj",
				    "/CN=wrong.example.test",
				    "-addext",
				    "basicConstraints=CA:FALSE",
				    "-addext",
				    "subjectAltName=DNS:wrong.example.test",
				    "-CA",
				    ca_pem,
				    "-CAkey",
				    ca_key,
				    NULL };

	snprintf(ca_key, sizeof ca_key, "%s/ca.key", dir);
	return run(ca) == 0 && run(good) == 0 && run(bad) == 0 ? 0 : -1;
}

static int read_port(const char *path, unsigned *port)
{
	FILE *f = fopen(path, "r");
	int ok;

	if (f == NULL)
		return -1;
	ok = fscanf(f, "%u", port) == 1 && *port > 0 && *port < 65536;
	fclose(f);
	return ok ? 0 : -1;
}

static int srv_spawn(struct srv *s)
{
	const char *top = getenv("top_srcdir");
	char script[512];
	const char *argv[24];
	int n = 0;

	snprintf(script, sizeof script, "%s/tests/servers/fakehttp.py", top ? top : ".");
	snprintf(s->port_file, sizeof s->port_file, "%s/%s.port", dir, s->tag);
	argv[n++] = "python3";
	argv[n++] = script;
	argv[n++] = "--port-file";
	argv[n++] = s->port_file;
	argv[n++] = "--mode";
	argv[n++] = s->mode;
	argv[n++] = "--max-seconds";
	argv[n++] = "300";
	if (s->tls) {
		argv[n++] = "--cert";
		argv[n++] = s->wrong_cert ? bad_pem : srv_pem;
		argv[n++] = "--key";
		argv[n++] = s->wrong_cert ? bad_key : srv_key;
	}
	if (s == &srvs[S_MAIN]) {
		argv[n++] = "--api-key";
		argv[n++] = API_KEY;
		argv[n++] = "--config";
		argv[n++] = fixture;
		argv[n++] = "--record";
		argv[n++] = record;
	}
	argv[n] = NULL;
	s->pid = fork();
	if (s->pid < 0)
		return -1;
	if (s->pid == 0) {
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	return 0;
}

static int srv_wait(struct srv *s)
{
	uint64_t until = mono_ms() + 20000;
	int st;

	while (mono_ms() < until) {
		if (read_port(s->port_file, &s->port) == 0)
			return 0;
		if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
			s->pid = -1;
			return -1;
		}
		usleep(20000);
	}
	return -1;
}

/* "https://127.0.0.1:PORT/path" */
static void url_of(enum srv_id id, const char *path, char *buf, size_t size)
{
	snprintf(buf, size, "%s://127.0.0.1:%u%s", srvs[id].tls ? "https" : "http", srvs[id].port,
		 path);
}

static void host_of(enum srv_id id, char *buf, size_t size)
{
	snprintf(buf, size, "127.0.0.1:%u", srvs[id].port);
}

static void assert_contains(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", hay, needle);
}

/* The key, or anything of it a message could carry, never shows. */
static void assert_no_key(const char *s)
{
	if (strstr(s, API_KEY) != NULL || strstr(s, WRONG_KEY) != NULL ||
	    strstr(s, "LUFRPT1") != NULL)
		fail_msg("a message carries the API key: \"%s\"", s);
}

/* Requests the main server recorded whose path is exactly path. */
static json_t *records(void)
{
	json_t *all = json_array();
	FILE *f = fopen(record, "r");
	char line[65536];

	assert_non_null(all);
	if (f == NULL)
		return all;
	while (fgets(line, sizeof line, f) != NULL) {
		json_t *o = json_loads(line, 0, NULL);

		assert_non_null(o);
		json_array_append_new(all, o);
	}
	fclose(f);
	return all;
}

static size_t count_path(const char *path)
{
	json_t *all = records(), *o;
	size_t i, n = 0;

	json_array_foreach(all, i, o)
	{
		if (strcmp(json_string_value(json_object_get(o, "path")), path) == 0)
			n++;
	}
	json_decref(all);
	return n;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* ---- setup ---- */

static int group_setup(void **state)
{
	static const char *const proxies[] = { "http_proxy", "https_proxy", "HTTPS_PROXY",
					       "ALL_PROXY", "all_proxy" };
	const char *top = getenv("top_srcdir");
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof sa;

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	/* straight to loopback, whatever the environment says */
	for (size_t i = 0; i < sizeof proxies / sizeof proxies[0]; i++)
		unsetenv(proxies[i]);
	unsetenv(CP_PANOS_KEY_ENV);
	snprintf(dir, sizeof dir, "/tmp/test_fetch.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(ca_pem, sizeof ca_pem, "%s/ca.pem", dir);
	snprintf(srv_pem, sizeof srv_pem, "%s/srv.pem", dir);
	snprintf(srv_key, sizeof srv_key, "%s/srv.key", dir);
	snprintf(bad_pem, sizeof bad_pem, "%s/bad.pem", dir);
	snprintf(bad_key, sizeof bad_key, "%s/bad.key", dir);
	snprintf(record, sizeof record, "%s/record.jsonl", dir);
	snprintf(fixture, sizeof fixture, "%s/tests/fetch/panos-config.xml", top ? top : ".");
	if (make_certs() < 0) {
		fprintf(stderr, "# openssl req failed making the test certificates\n");
		return -1;
	}
	for (int i = 0; i < S_COUNT; i++)
		if (srv_spawn(&srvs[i]) < 0)
			return -1;
	for (int i = 0; i < S_COUNT; i++) {
		if (srv_wait(&srvs[i]) < 0) {
			fprintf(stderr, "# fakehttp.py (%s) did not start (is top_srcdir set?)\n",
				srvs[i].tag);
			return -1;
		}
	}
	/* bound, never listening: connections to it are refused, and no
	 * other process can take the port meanwhile */
	refused_fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (refused_fd < 0 || bind(refused_fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
	    getsockname(refused_fd, (struct sockaddr *)&sa, &sl) < 0)
		return -1;
	refused_port = ntohs(sa.sin_port);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	for (int i = 0; i < S_COUNT; i++) {
		if (srvs[i].pid > 0) {
			kill(srvs[i].pid, SIGTERM);
			waitpid(srvs[i].pid, NULL, 0);
			srvs[i].pid = -1;
		}
	}
	if (refused_fd >= 0)
		close(refused_fd);
	if (dir[0] != '\0')
		nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* ---- fetch.c ---- */

static int count_line(const struct cp_list_line *line, void *data)
{
	size_t *n = data;

	if (line->target != NULL)
		(*n)++;
	return 0;
}

static void test_list_ok(void **state)
{
	char url[128], err[512];
	char *text = NULL;
	size_t len = 0, n = 0;
	FILE *f;

	(void)state;
	url_of(S_MAIN, "/list", url, sizeof url);
	assert_int_equal(cp_fetch_list(url, ca_pem, &text, &len, err, sizeof err), 0);
	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	assert_non_null(strstr(text, "www.example.test\nmail.example.test:465   # smtps\n"));
	/* and the list reader takes it as it is */
	f = fmemopen(text, len, "r");
	assert_non_null(f);
	assert_int_equal(cp_list_read(f, url, count_line, &n), 0);
	fclose(f);
	assert_int_equal(n, 3);
	free(text);
}

static void test_list_plain_http(void **state)
{
	char url[128], err[512];
	char *text = NULL;
	size_t len = 0;

	(void)state;
	url_of(S_PLAIN, "/anything", url, sizeof url);
	assert_int_equal(cp_fetch_list(url, NULL, &text, &len, err, sizeof err), 0);
	assert_non_null(strstr(text, "[2001:db8::1]:8443\n"));
	free(text);
}

static void test_list_html_refused(void **state)
{
	char url[128], err[512];
	char *text = NULL;
	size_t len = 0;

	(void)state;
	url_of(S_MAIN, "/html", url, sizeof url);
	assert_int_equal(cp_fetch_list(url, ca_pem, &text, &len, err, sizeof err), -1);
	assert_null(text);
	assert_contains(err, "HTML page");
}

static void test_tls_unknown_ca(void **state)
{
	struct cp_http_req rq = { 0 };
	struct cp_http_resp rs;
	char url[128], err[512];

	(void)state;
	url_of(S_MAIN, "/list", url, sizeof url);
	rq.url = url;
	assert_int_equal(cp_http_get(&rq, &rs, err, sizeof err), -1);
	assert_int_equal(rs.fail, CP_HTTP_ETLS_VERIFY);
	assert_contains(err, "TLS verification failed");
	assert_contains(err, "certificate");
	assert_contains(err, "unknown CA");
	assert_contains(err, "--cacert");
	cp_http_resp_free(&rs);
}

static void test_tls_name_mismatch(void **state)
{
	struct cp_http_req rq = { .cacert = ca_pem };
	struct cp_http_resp rs;
	char url[128], err[512];

	(void)state;
	url_of(S_WRONGNAME, "/list", url, sizeof url);
	rq.url = url;
	assert_int_equal(cp_http_get(&rq, &rs, err, sizeof err), -1);
	assert_int_equal(rs.fail, CP_HTTP_ETLS_VERIFY);
	assert_contains(err, "certificate does not match the name 127.0.0.1");
	assert_contains(err, "name mismatch");
	cp_http_resp_free(&rs);
}

static void test_cacert_unusable(void **state)
{
	struct cp_http_req rq = { .cacert = "/nonexistent/ca.pem" };
	struct cp_http_resp rs;
	char url[128], err[512];

	(void)state;
	url_of(S_MAIN, "/list", url, sizeof url);
	rq.url = url;
	assert_int_equal(cp_http_get(&rq, &rs, err, sizeof err), -1);
	assert_int_equal(rs.fail, CP_HTTP_ETLS);
	assert_contains(err, "cannot use the CA file /nonexistent/ca.pem");
	cp_http_resp_free(&rs);
}

static void test_refused(void **state)
{
	struct cp_http_req rq = { .cacert = ca_pem };
	struct cp_http_resp rs;
	char url[128], err[512], want[128];

	(void)state;
	snprintf(url, sizeof url, "https://127.0.0.1:%u/list", refused_port);
	snprintf(want, sizeof want, "https://127.0.0.1:%u: connection refused", refused_port);
	rq.url = url;
	assert_int_equal(cp_http_get(&rq, &rs, err, sizeof err), -1);
	assert_int_equal(rs.fail, CP_HTTP_EREFUSED);
	assert_string_equal(err, want);
	cp_http_resp_free(&rs);
}

/* The server reads the request and never answers: the total timeout. */
static void test_timeout_reply(void **state)
{
	struct cp_http_req rq = { .cacert = ca_pem, .timeout_ms = 800 };
	struct cp_http_resp rs;
	char url[128], err[512];
	uint64_t t0 = mono_ms(), dt;

	(void)state;
	url_of(S_MAIN, "/hang", url, sizeof url);
	rq.url = url;
	assert_int_equal(cp_http_get(&rq, &rs, err, sizeof err), -1);
	dt = mono_ms() - t0;
	assert_int_equal(rs.fail, CP_HTTP_ETIMEOUT);
	assert_contains(err, "timed out after 800 ms (waiting for the reply)");
	assert_true(dt >= 700 && dt < 5000);
	cp_http_resp_free(&rs);
}

/* The server accepts and never speaks TLS: the connect timeout. */
static void test_timeout_handshake(void **state)
{
	struct cp_http_req rq = { .cacert = ca_pem, .connect_timeout_ms = 500 };
	struct cp_http_resp rs;
	char url[128], err[512];
	uint64_t t0 = mono_ms(), dt;

	(void)state;
	url_of(S_HANG, "/", url, sizeof url);
	rq.url = url;
	assert_int_equal(cp_http_get(&rq, &rs, err, sizeof err), -1);
	dt = mono_ms() - t0;
	assert_int_equal(rs.fail, CP_HTTP_ETIMEOUT);
	assert_contains(err, "timed out after 500 ms (TLS handshake: the server accepted");
	assert_true(dt >= 400 && dt < 5000);
	cp_http_resp_free(&rs);
}

static void get_sized(const char *path, size_t cap, int want_rc, size_t want_len)
{
	struct cp_http_req rq = { .cacert = ca_pem, .max_body = cap };
	struct cp_http_resp rs;
	char url[128], err[512];

	url_of(S_MAIN, path, url, sizeof url);
	rq.url = url;
	assert_int_equal(cp_http_get(&rq, &rs, err, sizeof err), want_rc);
	if (want_rc == 0) {
		assert_int_equal(rs.len, want_len);
		assert_int_equal(rs.body[rs.len], '\0');
	} else {
		assert_int_equal(rs.fail, CP_HTTP_ETOOBIG);
		assert_contains(err, "the reply is larger than");
	}
	cp_http_resp_free(&rs);
}

/* Announced (Content-Length) and unannounced (close-delimited) bodies,
 * on both sides of the cap. */
static void test_body_cap(void **state)
{
	struct cp_http_req rq = { .cacert = ca_pem };
	struct cp_http_resp rs;
	char url[128], err[512], path[64];

	(void)state;
	get_sized("/big/1000", 1000, 0, 1000);
	get_sized("/big/1001", 1000, -1, 0);
	get_sized("/bigstream/1000", 1000, 0, 1000);
	get_sized("/bigstream/5000", 1000, -1, 0);
	get_sized("/bigstream/300000", 4096, -1, 0);
	/* the default cap, in its own words */
	snprintf(path, sizeof path, "/big/%zu", CP_HTTP_MAX_BODY + 1);
	url_of(S_MAIN, path, url, sizeof url);
	rq.url = url;
	assert_int_equal(cp_http_get(&rq, &rs, err, sizeof err), -1);
	assert_contains(err, "the reply is larger than 16 MiB");
	cp_http_resp_free(&rs);
}

static void test_bad_urls(void **state)
{
	static const char *const bad[] = {
		"ftp://127.0.0.1/list",
		"file:///etc/passwd",
		"gopher://127.0.0.1/",
		"127.0.0.1/list",
		"",
		"https://",
	};
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct cp_http_req rq = { .url = bad[i] };
		struct cp_http_resp rs;

		assert_int_equal(cp_http_get(&rq, &rs, err, sizeof err), -1);
		assert_int_equal(rs.fail, CP_HTTP_EURL);
		cp_http_resp_free(&rs);
	}
	{
		struct cp_http_req rq = { .url = "ftp://127.0.0.1/list" };
		struct cp_http_resp rs;

		assert_int_equal(cp_http_get(&rq, &rs, err, sizeof err), -1);
		assert_string_equal(err, "ftp: URLs are refused; only https:// and http:// are "
					 "fetched");
		cp_http_resp_free(&rs);
	}
}

static void test_status_and_redirect(void **state)
{
	struct cp_http_req rq = { .cacert = ca_pem };
	struct cp_http_resp rs;
	char url[128], err[512];

	(void)state;
	url_of(S_MAIN, "/status/404", url, sizeof url);
	rq.url = url;
	assert_int_equal(cp_http_get(&rq, &rs, err, sizeof err), -1);
	assert_int_equal(rs.fail, CP_HTTP_ESTATUS);
	assert_int_equal(rs.status, 404);
	assert_non_null(rs.body); /* kept for callers that explain it */
	assert_contains(err, ": HTTP 404 (Not Found)");
	cp_http_resp_free(&rs);

	url_of(S_MAIN, "/status/503", url, sizeof url);
	assert_int_equal(cp_http_get(&rq, &rs, err, sizeof err), -1);
	assert_contains(err, ": HTTP 503 (Service Unavailable)");
	cp_http_resp_free(&rs);

	url_of(S_MAIN, "/redirect", url, sizeof url);
	assert_int_equal(cp_http_get(&rq, &rs, err, sizeof err), -1);
	assert_int_equal(rs.fail, CP_HTTP_EREDIRECT);
	assert_contains(err, "HTTP 302: a redirect, which cipherprobe does not follow");
	assert_null(strstr(err, "elsewhere"));
	cp_http_resp_free(&rs);
}

/* Header values with line breaks are refused, and never quoted. */
static void test_header_injection(void **state)
{
	const struct cp_http_header h = { "X-PAN-KEY", API_KEY "\r\nX-Evil: 1" };
	struct cp_http_req rq = { .cacert = ca_pem, .headers = &h, .nheaders = 1 };
	struct cp_http_resp rs;
	char url[128], err[512];
	size_t before = count_path("/list");

	(void)state;
	url_of(S_MAIN, "/list", url, sizeof url);
	rq.url = url;
	assert_int_equal(cp_http_get(&rq, &rs, err, sizeof err), -1);
	assert_contains(err, "line break");
	assert_no_key(err);
	assert_null(strstr(err, "Evil"));
	assert_int_equal(count_path("/list"), before); /* nothing was sent */
	cp_http_resp_free(&rs);
}

/* Webhook and list URLs keep their secrets out of messages. */
static void test_messages_hide_path(void **state)
{
	struct cp_http_req rq = { .cacert = ca_pem };
	struct cp_http_resp rs;
	char url[160], err[512], origin[128], want[64];

	(void)state;
	cp_http_origin("https://hooks.example.test/services/T000/B000/SECRET?token=x", origin,
		       sizeof origin);
	assert_string_equal(origin, "https://hooks.example.test:443");
	cp_http_origin("http://[::1]/x", origin, sizeof origin);
	assert_string_equal(origin, "http://[::1]:80");
	url_of(S_MAIN, "/status/404/services/T000/SECRET?token=hunter2", url, sizeof url);
	rq.url = url;
	assert_int_equal(cp_http_get(&rq, &rs, err, sizeof err), -1);
	snprintf(want, sizeof want, "https://127.0.0.1:%u: HTTP 404", srvs[S_MAIN].port);
	assert_contains(err, want);
	assert_null(strstr(err, "SECRET"));
	assert_null(strstr(err, "hunter2"));
	cp_http_resp_free(&rs);
}

/* ---- panosapi.c ---- */

static int fetch(enum srv_id id, const char *key, const char *profile, const char *vsys,
		 const char *dg, const char *cacert, struct cp_profile *p, char *err, size_t errlen)
{
	char host[64];
	struct cp_panos_req rq = {
		.host = host,
		.key = key,
		.profile = profile,
		.vsys = vsys,
		.device_group = dg,
		.cacert = cacert,
		.timeout_ms = 5000,
	};
	int rc;

	host_of(id, host, sizeof host);
	memset(p, 0, sizeof *p);
	rc = cp_panos_fetch_profile(&rq, p, err, errlen);
	assert_no_key(err);
	return rc;
}

static void test_panos_vsys(void **state)
{
	struct cp_profile p;
	char err[1024];
	uint32_t fwd = CP_FWD_BLOCK_EXPIRED_CERTIFICATE | CP_FWD_BLOCK_UNTRUSTED_ISSUER;

	(void)state;
	assert_int_equal(fetch(S_MAIN, API_KEY, "Corp", NULL, NULL, ca_pem, &p, err, sizeof err),
			 0);
	assert_string_equal(p.name, "Corp");
	assert_int_equal(p.loc, CP_LOC_VSYS);
	assert_string_equal(p.vsys, "vsys1");
	assert_int_equal(p.min_version, 0x0303);
	assert_int_equal(p.max_version, 0x0304);
	assert_true(p.max_is_max);
	assert_int_equal(p.flags & (CP_PANOS_AUTH_SHA1 | CP_PANOS_ENC_3DES), 0);
	assert_int_not_equal(p.flags & CP_PANOS_AUTH_SHA256, 0);
	assert_int_not_equal(p.flags & CP_PANOS_KX_RSA, 0);
	assert_int_equal(p.fwd, fwd);
	assert_contains(p.source, "/api (vsys1)");
}

static void test_panos_shared_and_vsys2(void **state)
{
	struct cp_profile p;
	char err[1024];

	(void)state;
	assert_int_equal(fetch(S_MAIN, API_KEY, "Strict", NULL, NULL, ca_pem, &p, err, sizeof err),
			 0);
	assert_int_equal(p.loc, CP_LOC_SHARED);
	assert_int_equal(p.min_version, 0x0304);
	assert_string_equal(p.vsys, "");
	assert_contains(p.source, "(shared)");

	assert_int_equal(
		fetch(S_MAIN, API_KEY, "Other", "vsys2", NULL, ca_pem, &p, err, sizeof err), 0);
	assert_int_equal(p.loc, CP_LOC_VSYS);
	assert_string_equal(p.vsys, "vsys2");
	assert_int_equal(p.max_version, 0x0304);
	assert_false(p.max_is_max);
}

static void test_panos_device_group(void **state)
{
	struct cp_profile p;
	char err[1024];

	(void)state;
	assert_int_equal(fetch(S_MAIN, API_KEY, "Lab", NULL, "DG1", ca_pem, &p, err, sizeof err),
			 0);
	assert_int_equal(p.loc, CP_LOC_DEVICE_GROUP);
	assert_string_equal(p.device_group, "DG1");
	assert_int_equal(p.min_version, 0x0302);
	assert_int_equal(p.max_version, 0x0303);
	assert_int_equal(p.flags & CP_PANOS_KX_RSA, 0);
}

static void test_panos_wrong_key(void **state)
{
	struct cp_profile p;
	char err[1024], want[128];

	(void)state;
	snprintf(want, sizeof want, "127.0.0.1:%u: the API key was refused (HTTP 403)",
		 srvs[S_MAIN].port);
	assert_int_equal(fetch(S_MAIN, WRONG_KEY, "Corp", NULL, NULL, ca_pem, &p, err, sizeof err),
			 -1);
	assert_string_equal(err, want);
}

static void test_panos_not_found(void **state)
{
	struct cp_profile p;
	char err[1024], want[256];

	(void)state;
	snprintf(want, sizeof want,
		 "profile 'Nope' not found on 127.0.0.1:%u; profiles there: "
		 "Corp (vsys1), Guest (vsys1), Strict (shared)",
		 srvs[S_MAIN].port);
	assert_int_equal(fetch(S_MAIN, API_KEY, "Nope", NULL, NULL, ca_pem, &p, err, sizeof err),
			 -1);
	assert_string_equal(err, want);

	/* Lab lives in DG1, which was not asked for; with it, it is listed */
	snprintf(want, sizeof want, "profiles there: Other (vsys2), Lab (device group DG1)");
	assert_int_equal(
		fetch(S_MAIN, API_KEY, "Nope", "vsys2", "DG1", ca_pem, &p, err, sizeof err), -1);
	assert_contains(err, want);
	assert_contains(err, "Strict (shared)");

	/* a name XPath must quote with " */
	assert_int_equal(fetch(S_MAIN, API_KEY, "Bob's", NULL, NULL, ca_pem, &p, err, sizeof err),
			 -1);
	assert_contains(err, "profile 'Bob's' not found on");
	assert_int_equal(fetch(S_MAIN, API_KEY, "a'b\"c", NULL, NULL, ca_pem, &p, err, sizeof err),
			 -1);
	assert_contains(err, "which an XPath cannot quote");

	/* no profile anywhere we look */
	assert_int_equal(fetch(S_MAIN, API_KEY, "Nope", "vsys9", NULL, ca_pem, &p, err, sizeof err),
			 -1);
	assert_contains(err, "profiles there: Strict (shared)");
}

static void test_panos_error_reply(void **state)
{
	struct cp_profile p;
	char err[1024], want[64];

	(void)state;
	assert_int_equal(fetch(S_ERROR, API_KEY, "Corp", NULL, NULL, ca_pem, &p, err, sizeof err),
			 -1);
	snprintf(want, sizeof want, "127.0.0.1:%u: ", srvs[S_ERROR].port);
	assert_true(strncmp(err, want, strlen(want)) == 0);
	assert_contains(err, "answered with an error (code 17)");
	assert_contains(err, "show -> decryption is unexpected; config is locked by admin");
}

static void test_panos_garbage(void **state)
{
	struct cp_profile p;
	char err[1024];

	(void)state;
	assert_int_equal(fetch(S_GARBAGE, API_KEY, "Corp", NULL, NULL, ca_pem, &p, err, sizeof err),
			 -1);
	assert_contains(err, "not a PAN-OS XML API reply (unparsable XML)");
}

static void test_panos_transport(void **state)
{
	struct cp_panos_req rq = { .key = API_KEY, .profile = "Corp", .cacert = ca_pem };
	struct cp_profile p;
	char err[1024], host[64];

	(void)state;
	/* the firewall's certificate is not trusted without --cacert */
	assert_int_equal(fetch(S_MAIN, API_KEY, "Corp", NULL, NULL, NULL, &p, err, sizeof err), -1);
	assert_contains(err, "TLS verification failed");

	snprintf(host, sizeof host, "127.0.0.1:%u", refused_port);
	rq.host = host;
	assert_int_equal(cp_panos_fetch_profile(&rq, &p, err, sizeof err), -1);
	assert_contains(err, "connection refused");

	rq.host = "https://fw.example.test/";
	assert_int_equal(cp_panos_fetch_profile(&rq, &p, err, sizeof err), -1);
	assert_contains(err, "--panos-host takes HOST or HOST:PORT");

	rq.host = host;
	rq.key = "";
	assert_int_equal(cp_panos_fetch_profile(&rq, &p, err, sizeof err), -1);
	assert_contains(err, "no API key");
}

/* Runs after every other panos test: the key reached the server in the
 * header only, and never in a request target. */
static void test_panos_key_never_in_url(void **state)
{
	json_t *all = records(), *o;
	size_t i, with_key = 0;

	(void)state;
	json_array_foreach(all, i, o)
	{
		const char *path = json_string_value(json_object_get(o, "path"));
		json_t *hk = json_object_get(json_object_get(o, "headers"), "X-PAN-KEY");

		assert_false(json_is_true(json_object_get(o, "key_in_url")));
		assert_null(strstr(path, "LUFRPT1"));
		if (json_is_string(hk) && strcmp(json_string_value(hk), API_KEY) == 0) {
			with_key++;
			assert_true(strncmp(path, "/api/?type=config&action=show&xpath=", 36) == 0);
		}
	}
	/* Corp, Strict (2), Other, Lab, Nope (2 + 3 listings, ...): plenty */
	assert_true(with_key >= 10);
	json_decref(all);
}

/* ---- the key ---- */

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_key_file_modes(void **state)
{
	char path[128], key[CP_PANOS_KEY_MAX], err[512], want[400];

	(void)state;
	snprintf(path, sizeof path, "%s/key", dir);
	write_file(path, API_KEY "\n", 0644);
	assert_int_equal(cp_panos_key_load(path, key, sizeof key, err, sizeof err), -1);
	snprintf(want, sizeof want,
		 "%s is readable or writable by group or others (mode 0644): "
		 "chmod 600 %s",
		 path, path);
	assert_string_equal(err, want);
	assert_no_key(err);
	assert_string_equal(key, "");

	assert_int_equal(chmod(path, 0620), 0);
	assert_int_equal(cp_panos_key_load(path, key, sizeof key, err, sizeof err), -1);
	assert_contains(err, "chmod 600");

	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(cp_panos_key_load(path, key, sizeof key, err, sizeof err), 0);
	assert_string_equal(key, API_KEY);

	write_file(path, API_KEY "\r\n", 0400);
	assert_int_equal(cp_panos_key_load(path, key, sizeof key, err, sizeof err), 0);
	assert_string_equal(key, API_KEY);
	assert_int_equal(chmod(path, 0600), 0);
}

static void test_key_file_content(void **state)
{
	char path[128], key[CP_PANOS_KEY_MAX], small[16], err[512];

	(void)state;
	snprintf(path, sizeof path, "%s/key2", dir);
	write_file(path, "\n", 0600);
	assert_int_equal(cp_panos_key_load(path, key, sizeof key, err, sizeof err), -1);
	assert_contains(err, "holds no API key");

	write_file(path, API_KEY "\nsecond line\n", 0600);
	assert_int_equal(cp_panos_key_load(path, key, sizeof key, err, sizeof err), -1);
	assert_contains(err, "only the API key, on one line");
	assert_no_key(err);

	write_file(path, API_KEY "\n", 0600);
	assert_int_equal(cp_panos_key_load(path, small, sizeof small, err, sizeof err), -1);
	assert_contains(err, "longer than 15 characters");
	assert_no_key(err);

	snprintf(path, sizeof path, "%s/missing", dir);
	assert_int_equal(cp_panos_key_load(path, key, sizeof key, err, sizeof err), -1);
	assert_contains(err, "cannot open the API key file");

	assert_int_equal(cp_panos_key_load(dir, key, sizeof key, err, sizeof err), -1);
}

static void test_key_env(void **state)
{
	char key[CP_PANOS_KEY_MAX], err[512];

	(void)state;
	unsetenv(CP_PANOS_KEY_ENV);
	assert_int_equal(cp_panos_key_load(NULL, key, sizeof key, err, sizeof err), -1);
	assert_contains(err, "no API key: give --panos-key-file FILE");
	assert_contains(err, CP_PANOS_KEY_ENV);

	setenv(CP_PANOS_KEY_ENV, API_KEY, 1);
	assert_int_equal(cp_panos_key_load(NULL, key, sizeof key, err, sizeof err), 0);
	assert_string_equal(key, API_KEY);

	setenv(CP_PANOS_KEY_ENV, "two words", 1);
	assert_int_equal(cp_panos_key_load(NULL, key, sizeof key, err, sizeof err), -1);
	assert_contains(err, CP_PANOS_KEY_ENV " should hold only the API key");
	unsetenv(CP_PANOS_KEY_ENV);
}

/* ---- notify.c ---- */

static void test_webhook_body(void **state)
{
	json_t *payload = json_pack("{s:i, s:[s]}", "regressions", 1, "hosts", "a.example.test");
	struct cp_notify_req rq = {
		.text = "1 regression: <!channel> a.example.test & co\nsecond line",
		.payload = payload,
		.cacert = ca_pem,
	};
	json_t *all, *o, *last = NULL, *body, *ct;
	char url[128], err[512];
	size_t i;

	(void)state;
	assert_non_null(payload);
	url_of(S_MAIN, "/webhook", url, sizeof url);
	rq.url = url;
	assert_int_equal(cp_notify_send(&rq, err, sizeof err), 0);
	all = records();
	json_array_foreach(all, i, o) if (strcmp(json_string_value(json_object_get(o, "path")),
						 "/webhook") == 0) last = o;
	assert_non_null(last);
	assert_string_equal(json_string_value(json_object_get(last, "method")), "POST");
	ct = json_object_get(json_object_get(last, "headers"), "Content-Type");
	assert_string_equal(json_string_value(ct), "application/json");
	body = json_loads(json_string_value(json_object_get(last, "body")), 0, NULL);
	assert_non_null(body);
	assert_string_equal(json_string_value(json_object_get(body, "text")),
			    "1 regression: &lt;!channel&gt; a.example.test &amp; co second line");
	assert_true(json_equal(json_object_get(body, "cipherprobe"), payload));
	json_decref(body);
	json_decref(all);
	json_decref(payload);
}

static void test_webhook_text_cut(void **state)
{
	char text[1200], *body;
	json_t *o;
	const char *t;
	size_t n;

	(void)state;
	/* "é" is two bytes: the cut must not split one */
	for (n = 0; n + 2 < sizeof text; n += 2)
		memcpy(text + n, "\xc3\xa9", 2);
	text[n] = '\0';
	body = cp_notify_body(text, NULL);
	assert_non_null(body);
	o = json_loads(body, 0, NULL); /* jansson refuses bad UTF-8 */
	assert_non_null(o);
	t = json_string_value(json_object_get(o, "text"));
	assert_true(strlen(t) <= CP_NOTIFY_TEXT_MAX);
	assert_true(strlen(t) >= CP_NOTIFY_TEXT_MAX - 4);
	assert_string_equal(t + strlen(t) - 3, "...");
	assert_true(json_is_null(json_object_get(o, "cipherprobe")));
	json_decref(o);
	free(body);
}

static void test_webhook_retry_then_ok(void **state)
{
	struct cp_notify_req rq = { .text = "x", .cacert = ca_pem, .backoff_ms = 20 };
	char url[128], err[512];

	(void)state;
	url_of(S_MAIN, "/fail500/2/a", url, sizeof url);
	rq.url = url;
	assert_int_equal(cp_notify_send(&rq, err, sizeof err), 0);
	assert_int_equal(count_path("/fail500/2/a"), 3);
}

static void test_webhook_retries_bounded(void **state)
{
	struct cp_notify_req rq = { .text = "x", .cacert = ca_pem, .backoff_ms = 20 };
	char url[128], err[512];

	(void)state;
	url_of(S_MAIN, "/fail500/99/b", url, sizeof url);
	rq.url = url;
	assert_int_equal(cp_notify_send(&rq, err, sizeof err), -1);
	assert_contains(err, "HTTP 500 (Internal Server Error), after 3 attempts");
	assert_true(strncmp(err, "webhook: https://127.0.0.1:", 27) == 0);
	assert_int_equal(count_path("/fail500/99/b"), 3);

	/* retries < 0: one attempt */
	url_of(S_MAIN, "/fail500/99/c", url, sizeof url);
	rq.retries = -1;
	assert_int_equal(cp_notify_send(&rq, err, sizeof err), -1);
	assert_null(strstr(err, "attempts"));
	assert_int_equal(count_path("/fail500/99/c"), 1);
}

static void test_webhook_4xx_not_retried(void **state)
{
	struct cp_notify_req rq = { .text = "x", .cacert = ca_pem, .backoff_ms = 20 };
	char url[128], err[512];

	(void)state;
	url_of(S_MAIN, "/status/404/hook-secret", url, sizeof url);
	rq.url = url;
	assert_int_equal(cp_notify_send(&rq, err, sizeof err), -1);
	assert_contains(err, "HTTP 404 (Not Found)");
	assert_null(strstr(err, "attempts"));
	assert_null(strstr(err, "hook-secret"));
	assert_int_equal(count_path("/status/404/hook-secret"), 1);

	/* nor a certificate the webhook's CA does not sign */
	url_of(S_MAIN, "/webhook", url, sizeof url);
	rq.cacert = NULL;
	assert_int_equal(cp_notify_send(&rq, err, sizeof err), -1);
	assert_contains(err, "TLS verification failed");
	assert_null(strstr(err, "attempts"));
}

static void test_webhook_transient_bounded(void **state)
{
	struct cp_notify_req rq = { .text = "x", .cacert = ca_pem, .backoff_ms = 20, .retries = 1 };
	char url[128], err[512];
	uint64_t t0, dt;

	(void)state;
	snprintf(url, sizeof url, "https://127.0.0.1:%u/hook", refused_port);
	rq.url = url;
	assert_int_equal(cp_notify_send(&rq, err, sizeof err), -1);
	assert_contains(err, "connection refused, after 2 attempts");

	url_of(S_MAIN, "/hang", url, sizeof url);
	rq.timeout_ms = 300;
	t0 = mono_ms();
	assert_int_equal(cp_notify_send(&rq, err, sizeof err), -1);
	dt = mono_ms() - t0;
	assert_contains(err, "timed out after 300 ms");
	assert_contains(err, "after 2 attempts");
	assert_true(dt >= 600 && dt < 4000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_ok),
		cmocka_unit_test(test_list_plain_http),
		cmocka_unit_test(test_list_html_refused),
		cmocka_unit_test(test_tls_unknown_ca),
		cmocka_unit_test(test_tls_name_mismatch),
		cmocka_unit_test(test_cacert_unusable),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_timeout_reply),
		cmocka_unit_test(test_timeout_handshake),
		cmocka_unit_test(test_body_cap),
		cmocka_unit_test(test_bad_urls),
		cmocka_unit_test(test_status_and_redirect),
		cmocka_unit_test(test_header_injection),
		cmocka_unit_test(test_messages_hide_path),
		cmocka_unit_test(test_panos_vsys),
		cmocka_unit_test(test_panos_shared_and_vsys2),
		cmocka_unit_test(test_panos_device_group),
		cmocka_unit_test(test_panos_wrong_key),
		cmocka_unit_test(test_panos_not_found),
		cmocka_unit_test(test_panos_error_reply),
		cmocka_unit_test(test_panos_garbage),
		cmocka_unit_test(test_panos_transport),
		cmocka_unit_test(test_panos_key_never_in_url),
		cmocka_unit_test(test_key_file_modes),
		cmocka_unit_test(test_key_file_content),
		cmocka_unit_test(test_key_env),
		cmocka_unit_test(test_webhook_body),
		cmocka_unit_test(test_webhook_text_cut),
		cmocka_unit_test(test_webhook_retry_then_ok),
		cmocka_unit_test(test_webhook_retries_bounded),
		cmocka_unit_test(test_webhook_4xx_not_retried),
		cmocka_unit_test(test_webhook_transient_bounded),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
