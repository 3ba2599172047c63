# Container lab kit.  `make help` lists the targets.
TASK   ?=
FORMAT ?= text
OUT    ?=
SUBMISSION  ?=
SUBMISSIONS ?=
VM     ?=
JOBS   ?= 2
MUTANTS_PER_TASK ?= 5
TASK_DIRS := $(patsubst %/Makefile,%,$(sort $(wildcard task*/Makefile)))
SUBMAKE   := $(MAKE) --no-print-directory

all: check-deps common $(TASK_DIRS)

# A clear message instead of a compiler error about a missing header.
check-deps:
	@grader/deps.sh --check

help::
	@echo "make                 build every program"
	@echo "sudo make deps       install the Debian packages the kit needs"
	@echo "sudo make grade      grade every task (TASK=task2 for one, FORMAT=text|tap|junit|gradescope, OUT=file)"
	@echo "make handout         dist/handout.tar.gz: the kit with every solution replaced by its stub"
	@echo "sudo make bench      benchmarks, side by side with runc and crun"
	@echo "make clean           remove build outputs"

deps:
	@grader/deps.sh

common:
	@$(SUBMAKE) -C common

$(TASK_DIRS): check-deps common
	@$(SUBMAKE) -C $@

# Grading builds first; a task that does not build still gets graded (its tests fail with the
# reason), so `-k` keeps the other tasks building.
# SUBMISSION=dir|tarball grades a student's files in a scratch copy with the kit's grader.
grade: deps
ifeq ($(SUBMISSION),)
	-@$(SUBMAKE) -k all
	@grader/grade --format $(FORMAT) $(if $(OUT),--out $(OUT)) $(TASK)
else
	@grader/submission.sh --format $(FORMAT) $(if $(OUT),--out $(OUT)) $(SUBMISSION) $(TASK)
endif

handout:
	@python3 grader/handout.py

# >>> instructor (grading a class and the kit's self-check: not part of the students' handout)
help::
	@echo "sudo make grade SUBMISSION=dir|tarball     grade one student's submission"
	@echo "sudo make grade-all SUBMISSIONS=dir JOBS=2  a gradebook for a folder of submissions (VM=1: each in its own VM)"
	@echo "make gradescope      dist/gradescope.zip, the Gradescope autograder"
	@echo "sudo make test       the kit's self-check (unit tests, reference full marks, handout zero, each fence)"
	@echo "sudo make check-fences  each fence stubbed alone must fail the tests named after it"
	@echo "sudo make docs-check   run every shell block of README.md and docs/ as written (grader/docs-check)"
	@echo "sudo make check-mutants each one-mistake mutant (grader/mutants) must lose points (JOBS=2)"
	@echo "sudo make vm-test    grade in a Debian 12 VM (pure cgroup v2) from a login session and a service (TASK=task2 for one)"
	@echo "sudo make vm-shell CMD='...'  run a command in that VM (grader/vm/run.sh)"

grade-all: deps
	@test -n "$(SUBMISSIONS)" || { echo "usage: sudo make grade-all SUBMISSIONS=dir [JOBS=N]"; exit 2; }
	@grader/grade-all.py --jobs $(JOBS) $(if $(OUT),--out $(OUT)) $(if $(filter 1,$(VM)),--vm) $(SUBMISSIONS) $(TASK)

gradescope:
	@grader/gradescope.sh

HANDOUT_DIR := $(CURDIR)/build/selfcheck

test: deps
	@grader/deps.sh --selfcheck
	@$(SUBMAKE) all
	@$(SUBMAKE) -C common check
	@echo "== [$$(date +%T)] grading the reference: every test must pass"
	@grader/grade --expect full $(TASK)
	@echo "== [$$(date +%T)] grading the handout: it must build and score 0"
	@rm -rf $(HANDOUT_DIR) && python3 grader/handout.py --out $(HANDOUT_DIR)
	@$(SUBMAKE) -C $(HANDOUT_DIR)/handout all
	@grader/grade --expect zero --tree $(HANDOUT_DIR)/handout $(TASK)
	@rm -rf $(HANDOUT_DIR)
	@echo "== [$$(date +%T)] the grading machinery: submissions, gradebooks, report formats"
	@bats --tap --timing grader/selftest
	@echo "== [$$(date +%T)] the walkthroughs: every shell block of README.md and docs/ run as written"
	@grader/docs-check
	@echo "== [$$(date +%T)] fuzzing conductor's Conductorfile and config parsers (ASan/UBSan, 2 x 25 s)"
	@$(SUBMAKE) -C task3/fuzz smoke SMOKE_SECONDS=25
	@echo "== [$$(date +%T)] each fence alone: its tests must fail on its stub"
	@grader/check-fences.sh $(TASK)
	@echo "== [$$(date +%T)] one-mistake mutants, $(MUTANTS_PER_TASK) per task (all: make check-mutants): each must lose points"
	@JOBS=$(JOBS) MUTANTS_PER_TASK=$(MUTANTS_PER_TASK) grader/check-mutants.sh $(TASK)
	@echo "== [$$(date +%T)] self-check passed"

# Longer fuzzing (FUZZ_SECONDS per harness, default 600); crashes are left as task3/fuzz/crash-*.
fuzz:
	@$(SUBMAKE) -C task3/fuzz long

# The walkthroughs as a reader types them, each file in one root shell in scratch namespaces.
docs-check: all
	@grader/docs-check

# Every fence on its own: with just that stub in place, the tests named after it must fail.
check-fences: deps
	@grader/check-fences.sh $(TASK)

# Every one-mistake mutant (grader/mutants/TASK/*.patch) graded: none may keep full marks.
check-mutants: deps
	@JOBS=$(JOBS) grader/check-mutants.sh $(TASK)

# The kit on a real pure cgroup v2 machine (grader/vm/: a cached Debian 12 image under QEMU).
vm-test:
	@grader/vm/test.sh $(TASK)

vm-shell:
	@test -n "$$CMD" || { echo "usage: sudo make vm-shell CMD='command'"; exit 2; }
	@grader/vm/run.sh "$$CMD"
.PHONY: vm-test vm-shell
# <<< instructor

bench: deps all
	@for b in grader/bench/*.sh; do [ -f "$$b" ] && bash "$$b"; done

clean:
	@for d in common $(TASK_DIRS); do $(SUBMAKE) -C $$d clean; done
	rm -rf dist build

.PHONY: all help deps check-deps common $(TASK_DIRS) grade grade-all gradescope handout test docs-check check-fences check-mutants \
	bench clean fuzz
