#ifndef TALLY_CSYSTEM_H
#define TALLY_CSYSTEM_H
/* Linux headers Glibc's Swift overlay does not expose. */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <signal.h>
#include <stdint.h>
#include <sys/socket.h>

/* EPOLL* constants are enum members in glibc; give Swift plain values. */
static inline uint32_t csystem_epollin(void) { return EPOLLIN; }
static inline uint32_t csystem_epollout(void) { return EPOLLOUT; }
static inline uint32_t csystem_epollerr(void) { return EPOLLERR; }
static inline uint32_t csystem_epollhup(void) { return EPOLLHUP; }
static inline uint32_t csystem_epollrdhup(void) { return EPOLLRDHUP; }

/* accept4 (non-blocking, close-on-exec in one call) is a GNU extension that
   glibc declares only under _GNU_SOURCE, which Swift's Glibc module is built
   without; CSystem.c defines this wrapper with it. */
int csystem_accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);

#endif
