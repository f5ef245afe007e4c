;;; e2e.el --- Emacs + eglot against a real `sea-lsp serve' -*- lexical-binding: t -*-
;; Driven by tests/editors/test_emacs.py:
;;   emacs --batch -q -l e2e.el  (-q: no user init; the system site-start, as a user has)
;; Environment: SEA_TEST_FILE (stats.py of a copy of the example project), SEA_TEST_CMD
;; (JSON list: the server command), SEA_TEST_OUT (results JSON), SEA_TEST_BUG (the buggy
;; text on the line to fix).  The set-up is the one editors/README.md shows: eglot with
;; `eglot-server-programs' pointing python-mode at `sea-lsp serve'.
(load (expand-file-name "common.el" (file-name-directory load-file-name)) nil t)
(sea-watchdog 150)

(condition-case err
    (progn
      (find-file (getenv "SEA_TEST_FILE"))
      (python-mode)
      (apply #'eglot--connect (eglot--guess-contact))
      (let* ((server (eglot-current-server))
             (bug (getenv "SEA_TEST_BUG")))
        (sea-put "connected" (and server t))
        (sea-put "managed" (and eglot--managed-mode t))
        (sea-put "project" (and server (project-root (eglot--project server))))
        (goto-char (point-min))
        (search-forward bug)
        (let* ((beg (line-beginning-position))
               (end (line-end-position))
               (before (buffer-string))
               (actions (jsonrpc-request
                         server :textDocument/codeAction
                         (list :textDocument (eglot--TextDocumentIdentifier)
                               :range (list :start (eglot--pos-to-lsp-position beg)
                                            :end (eglot--pos-to-lsp-position end))
                               :context '(:diagnostics []))))
               (titles (mapcar (lambda (a) (plist-get a :title)) actions))
               (with-edit (seq-find (lambda (a) (plist-get a :edit)) actions))
               (accepted-before (or (plist-get (sea-status server) :accepted) 0)))
          (sea-put "titles" (vconcat titles))
          (sea-put "edit_title" (and with-edit (plist-get with-edit :title)))
          ;; the way a user applies one: M-x eglot-code-actions, pick the top entry from
          ;; the menu (an action with an edit if there is one); "More SEA suggestions…"
          ;; asks again (window/showMessageRequest): pick the top suggestion there
          (let ((menus nil)
                (last-nonmenu-event ?\r)) ; a keyboard user: completing-read, no popup
            (cl-letf (((symbol-function 'y-or-n-p) ; eglot asks before a server's edit
                       (lambda (prompt &rest _) (push (list :confirm prompt) menus) t))
                      ((symbol-function 'completing-read)
                       (lambda (prompt collection &rest _)
                         (let ((items (mapcar (lambda (c) (if (consp c) (car c) c))
                                              collection)))
                           (push (list :prompt prompt :items (vconcat items)) menus)
                           (if (and with-edit (= 1 (length menus)))
                               (plist-get with-edit :title)
                             (car items))))))
              (eglot-code-actions beg end nil t))
            (sea-put "menus" (vconcat (reverse menus))))
          (let ((deadline (+ (float-time) 15)))
            (while (and (equal before (buffer-string)) (< (float-time) deadline))
              (accept-process-output nil 0.1)))
          (sea-put "changed" (not (equal before (buffer-string))))
          (goto-char beg)
          (sea-put "line_after" (buffer-substring-no-properties
                                 (line-beginning-position) (line-end-position)))
          ;; the server records the acceptance (sea.accept, or the applied suggestion)
          (let ((deadline (+ (float-time) 15)) accepted)
            (while (and (not accepted) (< (float-time) deadline))
              (setq accepted (> (or (plist-get (sea-status server) :accepted) 0)
                                accepted-before))
              (unless accepted (accept-process-output nil 0.2)))
            (sea-put "accepted" accepted)))
        (sea-put "finished" t)))
  (error
   (sea-put "error" (format "%S" err))
   (let ((server (ignore-errors (eglot-current-server))))
     (when server                       ; the protocol's last messages, for the report
       (with-current-buffer (jsonrpc-events-buffer server)
         (sea-put "events" (buffer-substring-no-properties
                            (max (point-min) (- (point-max) 4000)) (point-max))))))))
(sea-write)
(kill-emacs 0)
;;; e2e.el ends here
