;;; zc_eglot.el --- Drive ZombieCoder from Emacs eglot in batch mode -*- lexical-binding: t -*-
;; Run: emacs --batch -l zc_eglot.el   (env: ZC_PY, ZC_FILE, ZC_OUT)
(require 'cl-lib)
(require 'json)
(unless (require 'eglot nil t)
  (add-to-list 'load-path (car (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/eglot-*")))
  (require 'eglot))

(defvar zc-out nil)
(defvar zc-published nil "publishDiagnostics params received, newest first.")

(defun zc-record (&rest kv) (setq zc-out (append zc-out kv)))

(defun zc-finish (err)
  (with-temp-file (getenv "ZC_OUT")
    (insert (json-encode (append zc-out (list :error err)))))
  (kill-emacs 0))

(advice-add 'eglot-handle-notification :before
            (lambda (_server method &rest params)
              (when (eq method 'textDocument/publishDiagnostics)
                (push params zc-published))))

(defun zc-wait (pred seconds what)
  (let ((deadline (+ (float-time) seconds)))
    (while (and (not (funcall pred)) (< (float-time) deadline))
      (accept-process-output nil 0.1))
    (unless (funcall pred) (error "timed out waiting for %s" what))))

(condition-case err
    (progn
      (setq eglot-server-programs `((python-mode . (,(getenv "ZC_PY") "-m" "zc_lsp"))))
      (setq eglot-confirm-server-initiated-edits nil)
      (find-file (getenv "ZC_FILE"))
      (python-mode)
      ;; eglot-ensure waits for a command loop that batch mode never runs: connect directly.
      (apply #'eglot--connect (eglot--guess-contact))
      (zc-wait #'eglot-current-server 30 "the server")
      (let ((server (eglot-current-server)))
        (zc-wait (lambda ()
                   (cl-some (lambda (p) (cl-some (lambda (d) (equal (plist-get d :code) "F401"))
                                                  (append (plist-get p :diagnostics) nil)))
                            zc-published))
                 60 "an F401 diagnostic")
        (zc-record :codes (vconcat (cl-loop for d across (plist-get (car zc-published) :diagnostics)
                                            collect (plist-get d :code))))
        ;; A refactor that needs the server to compute its edit (eglot 1.9 has no codeAction/resolve).
        (goto-char (point-min))
        (search-forward "def divide")
        (let* ((actions (eglot-code-actions (line-beginning-position) (line-end-position) nil nil))
               (doc (cl-find-if (lambda (a) (string-match-p "Add docstring to `divide`" (plist-get a :title))) actions))
               (command (plist-get doc :command)))
          (zc-record :titles (vconcat (mapcar (lambda (a) (plist-get a :title)) actions)))
          (unless command (error "the docstring action carries no command: %S" doc))
          (eglot-execute-command server (intern (plist-get command :command)) (plist-get command :arguments))
          (zc-wait (lambda () (save-excursion (goto-char (point-min)) (search-forward "\"\"\"" nil t)))
                   60 "the docstring edit"))
        (zc-record :docstring_applied t)
        (let ((status (jsonrpc-request server :workspace/executeCommand '(:command "zc.status" :arguments []))))
          (zc-record :agents (length (plist-get status :agents))))
        (eglot-shutdown server))
      (zc-finish nil))
  (error (zc-finish (error-message-string err))))
