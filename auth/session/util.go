package session

import "errors"

func isSignInRequired(err error) bool { return errors.Is(err, ErrSignInRequired) }
