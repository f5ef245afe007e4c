;;; projects.el --- Emacs + eglot on several files: loose ones, second projects -*- lexical-binding: t -*-
;; Driven by tests/editors/test_emacs.py:
;;   emacs --batch -q -l projects.el
;; Environment: SEA_TEST_FILES (JSON list of [file, text on the line to act on]), opened one
;; after the other in the same Emacs session, each with `M-x eglot'; SEA_TEST_CMD (JSON list:
;; the server command); SEA_TEST_OUT (results JSON).  For each file it records the project
;; eglot chose, its server, the code actions on the line and whether the one picked from
;; `eglot-code-actions' edited the buffer and was recorded by the server.  The set-up is the
;; one editors/README.md shows, the `pyproject.toml' project marker included.
(load (expand-file-name "common.el" (file-name-directory load-file-name)) nil t)
(sea-watchdog 170)

(defun sea-accepted (server)
  (or (plist-get (sea-status server) :accepted) 0))

(defun sea-line-actions (server beg end)
  (jsonrpc-request server :textDocument/codeAction
                   (list :textDocument (eglot--TextDocumentIdentifier)
                         :range (list :start (eglot--pos-to-lsp-position beg)
                                      :end (eglot--pos-to-lsp-position end))
                         :context '(:diagnostics []))))

(defun sea-pick-action (beg end with-edit)
  "Run `eglot-code-actions' on BEG..END as a keyboard user: the action WITH-EDIT if any,
else the first entry (\"More SEA suggestions…\" then asks again: its first suggestion)."
  (let ((menus nil)
        (last-nonmenu-event ?\r))
    (cl-letf (((symbol-function 'y-or-n-p)
               (lambda (prompt &rest _) (push (list :confirm prompt) menus) t))
              ((symbol-function 'completing-read)
               (lambda (prompt collection &rest _)
                 (let ((items (mapcar (lambda (c) (if (consp c) (car c) c)) collection)))
                   (push (list :prompt prompt :items (vconcat items)) menus)
                   (if (and with-edit (= 1 (length menus)))
                       (plist-get with-edit :title)
                     (car items))))))
      (eglot-code-actions beg end nil t))
    (vconcat (reverse menus))))

(defun sea-wait (pred seconds)
  (let ((deadline (+ (float-time) seconds)) ok)
    (while (and (not (setq ok (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.2))
    ok))

(defun sea-act-on (file bug)
  "Open FILE, start eglot, pick a code action on the line holding BUG; a result table."
  (let ((r (make-hash-table :test #'equal)))
    (find-file file)
    (python-mode)
    (apply #'eglot--connect (eglot--guess-contact))
    (let ((server (eglot-current-server)))
      (puthash "file" file r)
      (puthash "managed" (and eglot--managed-mode t) r)
      (puthash "project" (and server (expand-file-name
                                      (project-root (eglot--project server))))
               r)
      (puthash "pid" (and server (process-id (jsonrpc--process server))) r)
      (goto-char (point-min))
      (search-forward bug)
      (let* ((beg (line-beginning-position))
             (end (line-end-position))
             (before (buffer-string))
             (actions (sea-line-actions server beg end))
             (with-edit (seq-find (lambda (a) (plist-get a :edit)) actions))
             (accepted-before (sea-accepted server)))
        (puthash "titles" (vconcat (mapcar (lambda (a) (plist-get a :title)) actions)) r)
        (when actions
          (puthash "menus" (sea-pick-action beg end with-edit) r))
        (puthash "changed" (sea-wait (lambda () (not (equal before (buffer-string)))) 15) r)
        (puthash "accepted"
                 (sea-wait (lambda () (> (sea-accepted server) accepted-before)) 15) r)))
    r))

(condition-case err
    (let ((files (append (json-read-from-string (getenv "SEA_TEST_FILES")) nil)))
      (sea-put "files"
               (vconcat (mapcar (lambda (f) (sea-act-on (aref f 0) (aref f 1))) files)))
      ;; every server eglot started is still running once the last file is served
      (sea-put "live_servers"
               (vconcat (mapcar (lambda (s) (process-id (jsonrpc--process s)))
                                (seq-filter #'jsonrpc-running-p
                                            (apply #'append
                                                   (hash-table-values
                                                    eglot--servers-by-project))))))
      (sea-put "finished" t))
  (error
   (sea-put "error" (format "%S" err))
   (let ((server (ignore-errors (eglot-current-server))))
     (when server
       (with-current-buffer (jsonrpc-events-buffer server)
         (sea-put "events" (buffer-substring-no-properties
                            (max (point-min) (- (point-max) 4000)) (point-max))))))))
(sea-write)
(kill-emacs 0)
;;; projects.el ends here
