<?php
/*
 * Plugin Name: LSG: keep user names private
 * Description: Installed by lsg-infra. Visitors who are not logged in cannot list the site's user names (the admin's login name is half of a password attack): no user endpoints in the REST API, no author archives or ?author=N redirects, no users sitemap, no author in oEmbed answers.
 */

if (!defined('ABSPATH')) {
    exit;
}

add_filter('rest_endpoints', function ($endpoints) {
    if (is_user_logged_in()) {
        return $endpoints;
    }
    foreach (array_keys($endpoints) as $route) {
        if (preg_match('#^/wp/v2/users(/|$)#', $route)) {
            unset($endpoints[$route]);
        }
    }
    return $endpoints;
});

add_action('parse_request', function ($wp) {
    if (is_admin() || is_user_logged_in()) {
        return;
    }
    if (isset($_GET['author']) || isset($wp->query_vars['author']) || isset($wp->query_vars['author_name'])) {
        status_header(404);
        nocache_headers();
        exit;
    }
});

add_filter('wp_sitemaps_add_provider', function ($provider, $name) {
    return $name === 'users' ? false : $provider;
}, 10, 2);

add_filter('oembed_response_data', function ($data) {
    unset($data['author_name'], $data['author_url']);
    return $data;
});
