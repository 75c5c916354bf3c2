# Two commands for a new user (README): `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# torch is pinned so pip takes the CPU build where one is provided locally and
# never pulls a newer multi-GB CUDA build by surprise; override as you need:
#   make test TORCH='torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu'
TORCH  ?= torch==2.13.0

.PHONY: install demo test bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q $(TORCH)
	$(PY) -m pip install -q -e ".[test]"
	# `git voice --help` is answered by `man git-voice`; man finds it beside bin/.
	mkdir -p $(VENV)/share/man/man1
	$(PY) -m git_voice.manpage > $(VENV)/share/man/man1/git-voice.1
	touch $@

install: $(VENV)/.installed

demo: install
	$(PY) examples/demo.py

test: install
	$(PY) -m pytest -q

# Speed, memory and code-term benchmarks (not part of the tests; see benchmarks/README.md).
bench: install
	$(PY) -m pip install -q -e ".[test,bench]"
	$(PY) benchmarks/cold_start.py
	$(PY) benchmarks/speed.py --rounds 5
	$(PY) benchmarks/hook_latency.py --rounds 3
	$(PY) benchmarks/codeterms/run.py --quick

clean:
	rm -rf $(VENV) .cache examples/demo-repo
