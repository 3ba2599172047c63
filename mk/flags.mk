# Shared compiler settings: every Makefile in the kit includes this file.
.DEFAULT_GOAL := all
KIT_ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
CC       ?= cc
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -I$(KIT_ROOT)/common/include
LIBKIT   := $(KIT_ROOT)/common/libkit.a
# What libkit.a itself links against (cgroup_systemd.c talks to systemd through sd-bus).
LIBKIT_LIBS := -lsystemd

$(LIBKIT):
	$(MAKE) -C $(KIT_ROOT)/common libkit.a

# `make SANITIZE=1`: everything built with AddressSanitizer and UBSan (run the grader on it to
# find memory errors and undefined behaviour; `make clean` first, objects are not tracked).
ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif
