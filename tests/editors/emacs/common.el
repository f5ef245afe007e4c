;;; common.el --- what tests/editors/emacs/*.el share -*- lexical-binding: t -*-
;; Loaded first by each script.  The results hash and its JSON file (SEA_TEST_OUT), eglot
;; pointed at the server command (SEA_TEST_CMD) as editors/README.md shows, the
;; `pyproject.toml' project marker, and `sea-watchdog' / `sea-status'.
(require 'package)
(package-initialize)                    ; Debian's elpa-eglot lives in the system elpa
(require 'eglot)
(require 'json)
(require 'python)

(defvar sea-results (make-hash-table :test #'equal))
(defun sea-put (key value) (puthash key value sea-results))
(defun sea-write ()
  (with-temp-file (getenv "SEA_TEST_OUT")
    (insert (json-encode sea-results))))

(let ((cmd (append (json-read-from-string (getenv "SEA_TEST_CMD")) nil)))
  ;; as in editors/README.md (untrusted here: nothing of the project runs)
  (add-to-list 'eglot-server-programs
               `((python-mode python-ts-mode)
                 . (,@cmd :initializationOptions (:trusted :json-false)))))
(setq-default eglot-workspace-configuration '(:sea (:trusted :json-false)))
;; as in editors/README.md: Emacs 28's project.el knows only version-control roots; this
;; makes a folder with a pyproject.toml (the example has no .git) the project eglot sends
(defun sea-pyproject-root (dir)
  (let ((root (locate-dominating-file dir "pyproject.toml")))
    (and root (cons 'transient root))))
(add-hook 'project-find-functions #'sea-pyproject-root)
(setq eglot-sync-connect t
      eglot-connect-timeout 60
      eglot-autoshutdown t)

(defun sea-watchdog (seconds)
  "After SECONDS, in case a blocking call never returns: write the results and exit 3."
  (run-at-time seconds nil (lambda () (sea-put "watchdog" t) (sea-write) (kill-emacs 3))))

(defun sea-status (server)
  (jsonrpc-request server :workspace/executeCommand
                   (list :command "sea.status" :arguments (vector (make-hash-table)))))
