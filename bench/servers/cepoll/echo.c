/*
 * echo.c: the floor of the echo comparison. A minimal single-threaded TCP
 * echo server on edge-triggered epoll, doing the least work an event loop
 * can do per message: one read and one write.
 *
 *   gcc -O2 -o cepoll echo.c && ./cepoll -addr 127.0.0.1:7000
 *
 * Choices, each made to keep the per-message cost at the syscall floor:
 *   - One static 64 KiB buffer shared by every connection: a connection
 *     holds no memory of its own beyond the kernel's socket.
 *   - Edge-triggered: a connection is registered once and never modified.
 *   - A read shorter than the buffer means the socket was drained at that
 *     moment (a later arrival raises a new edge), so there is no extra read
 *     just to see EAGAIN.
 *   - A write that cannot take the whole echo closes the connection: there
 *     is nowhere to keep the rest without a per-connection buffer. Ping-pong
 *     clients never fill the send buffer, so this never happens in the bench.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_EVENTS 256

static char buf[64 * 1024];

/* parse_addr fills sa from "host:port" (IPv4 only). */
static int parse_addr(const char *s, struct sockaddr_in *sa) {
	char host[64];
	const char *colon = strrchr(s, ':');
	if (colon == NULL || (size_t)(colon - s) >= sizeof host)
		return -1;
	memcpy(host, s, colon - s);
	host[colon - s] = '\0';
	memset(sa, 0, sizeof *sa);
	sa->sin_family = AF_INET;
	sa->sin_port = htons((unsigned short)atoi(colon + 1));
	if (host[0] == '\0')
		sa->sin_addr.s_addr = htonl(INADDR_ANY);
	else if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return -1;
	return 0;
}

/* listen_on returns a non-blocking listening socket bound to sa. */
static int listen_on(const struct sockaddr_in *sa) {
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (const struct sockaddr *)sa, sizeof *sa) < 0 ||
	    listen(fd, SOMAXCONN) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* accept_all accepts until the backlog is empty (edge-triggered). */
static void accept_all(int ep, int lfd) {
	int one = 1;
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			if (errno != EAGAIN)
				perror("cepoll: accept4");
			return;
		}
		/* Same as Go's net, gnet and nbio: no Nagle delay on replies. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		struct epoll_event ev = {.events = EPOLLIN | EPOLLET, .data.fd = fd};
		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0) {
			perror("cepoll: epoll_ctl");
			close(fd);
		}
	}
}

/* echo reads what fd has and writes it straight back, once per read. */
static void echo(int fd) {
	for (;;) {
		ssize_t n = read(fd, buf, sizeof buf);
		if (n > 0) {
			if (write(fd, buf, (size_t)n) != n) {
				close(fd);
				return;
			}
			if ((size_t)n < sizeof buf)
				return; /* drained: wait for the next edge */
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		close(fd); /* EOF or error; close also removes fd from epoll */
		return;
	}
}

int main(int argc, char **argv) {
	const char *addr = "127.0.0.1:7000";
	for (int i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "-addr") == 0 || strcmp(argv[i], "--addr") == 0) && i + 1 < argc)
			addr = argv[++i];
		else if (strncmp(argv[i], "-addr=", 6) == 0)
			addr = argv[i] + 6;
		else {
			fprintf(stderr, "usage: %s -addr host:port\n", argv[0]);
			return 2;
		}
	}
	struct sockaddr_in sa;
	if (parse_addr(addr, &sa) < 0) {
		fprintf(stderr, "cepoll: bad address %s (want IPv4 host:port)\n", addr);
		return 2;
	}
	int lfd = listen_on(&sa);
	if (lfd < 0) {
		fprintf(stderr, "cepoll: listen on %s: %s\n", addr, strerror(errno));
		return 1;
	}
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event lev = {.events = EPOLLIN | EPOLLET, .data.fd = lfd};
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev) < 0) {
		perror("cepoll: epoll");
		return 1;
	}
	struct epoll_event events[MAX_EVENTS];
	for (;;) {
		int n = epoll_wait(ep, events, MAX_EVENTS, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("cepoll: epoll_wait");
			return 1;
		}
		for (int i = 0; i < n; i++) {
			if (events[i].data.fd == lfd)
				accept_all(ep, lfd);
			else
				echo(events[i].data.fd);
		}
	}
}
