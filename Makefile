# Container lab kit.  `make help` lists the targets.
TASK   ?=
FORMAT ?= text
OUT    ?=
TASK_DIRS := $(patsubst %/Makefile,%,$(sort $(wildcard task*/Makefile)))
SUBMAKE   := $(MAKE) --no-print-directory

all: common $(TASK_DIRS)

help:
	@echo "make                 build every program"
	@echo "sudo make deps       install the Debian packages the kit needs"
	@echo "sudo make grade      grade every task (TASK=task2 for one, FORMAT=text|tap|junit|gradescope, OUT=file)"
	@echo "make handout         dist/handout.tar.gz: the kit with every solution replaced by its stub"
	@echo "sudo make test       the kit's self-check (unit tests, reference full marks, handout zero)"
	@echo "sudo make check-fences  each fence stubbed alone must fail the tests named after it"
	@echo "sudo make bench      benchmarks, side by side with runc and crun"
	@echo "make clean           remove build outputs"

deps:
	@grader/deps.sh

common:
	@$(SUBMAKE) -C common

$(TASK_DIRS): common
	@$(SUBMAKE) -C $@

# Grading builds first; a task that does not build still gets graded (its tests fail with the
# reason), so `-k` keeps the other tasks building.
grade: deps
	-@$(SUBMAKE) -k all
	@grader/grade --format $(FORMAT) $(if $(OUT),--out $(OUT)) $(TASK)

handout:
	@python3 grader/handout.py

# >>> instructor (the kit's self-check; students' handout has no reference to check)
HANDOUT_DIR := $(CURDIR)/build/selfcheck

test: deps
	@$(SUBMAKE) all
	@$(SUBMAKE) -C common check
	@echo "== grading the reference: every test must pass"
	@grader/grade --expect full $(TASK)
	@echo "== grading the handout: it must build and score 0"
	@rm -rf $(HANDOUT_DIR) && python3 grader/handout.py --out $(HANDOUT_DIR)
	@$(SUBMAKE) -C $(HANDOUT_DIR)/handout all
	@grader/grade --expect zero --tree $(HANDOUT_DIR)/handout $(TASK)
	@rm -rf $(HANDOUT_DIR)
	@echo "== self-check passed"

# Every fence on its own: with just that stub in place, the tests named after it must fail.
check-fences: deps
	@grader/check-fences.sh $(TASK)
# <<< instructor

bench: deps all
	@for b in grader/bench/*.sh; do [ -f "$$b" ] && bash "$$b"; done

clean:
	@for d in common $(TASK_DIRS); do $(SUBMAKE) -C $$d clean; done
	rm -rf dist build

.PHONY: all help deps common $(TASK_DIRS) grade handout test check-fences bench clean
